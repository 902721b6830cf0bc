"""Sponsorship as a pool (CPAS de Thuin's "Parrainage en couleur": sponsors are not
dedicated to one family; some are in touch with several).

Nothing new is stored: a family is a Need of a sponsorship programme with its Person, and
a *contact* between a sponsor and a family is an active Match. A contact is recorded
either by the staff of the programme's organisation, or by the sponsor ("I met this
family"); both go through the matching rules (matching/rules.py), whose first rule
refuses a sponsor whose application is not active or has an eligibility gap, so the
charter signed before any contact (programmes/defaults.py) is enforced there, once the
programme has published a charter (programmes/standings.py: with none published there is
nothing to sign, as for a proposal accepted). A sponsor
may record a meeting as soon as their application passes that rule: an existing contact
is not asked for, since the pool is the programme's families, not those already met.
The sponsor's limit (VolunteerProfile.max_matches, 1 by default) counts each contact: one
in touch with several families raises it.

A family's target is its need's `people_needed`: fewer active contacts than that flags it
("no contact", "few contacts"). The batch (services.run_batch) fills exactly the places a
need has left (people_needed minus live matches), so every flagged family with no
proposal waiting is one the batch proposes for.

Every first name shown (to the staff on the pool page, to a sponsor of their families) is
a read of the person's record, written to the audit log.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from passerelle.accounts.models import User
from passerelle.core import access, audit
from passerelle.core.errors import DomainError
from passerelle.core.time import day_in_brussels
from passerelle.extensions import db
from passerelle.matching import loading, messages, reasons, rules, scoring, services
from passerelle.matching.models import LIVE, Match, MatchStatus
from passerelle.needs.models import Need, NeedStatus, Person
from passerelle.organisations.models import Programme, ProgrammeKind
from passerelle.programmes import defaults
from passerelle.programmes.models import Application, ApplicationStatus

S = MatchStatus
# A family's need stays in the pool while it is open or filled; closed, it has left.
IN_POOL = (NeedStatus.open, NeedStatus.filled)

NOT_A_FAMILY = _l("Choose a family of this programme.")


def is_pool(programme: Programme) -> bool:
    return programme.kind == ProgrammeKind.sponsorship


# Flags: pure ----------------------------------------------------------------------------------

NONE, FEW = "none", "few"


def flag_of(contacts: int, target: int) -> str | None:
    """"none" without any contact, "few" under the target, else None."""
    if contacts == 0:
        return NONE
    return FEW if contacts < target else None


# The staff's page -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FamilyRow:
    """Plain values, read before the audit's commit: the page reads nothing afterwards."""

    need_id: int
    title: str
    first_name: str | None  # None: registered by another organisation, not shown
    isolated: bool  # isolated, or no outside contact at all
    contacts: int
    target: int
    waiting: int  # proposals waiting for a coordinator or a sponsor
    sponsors: list[str]  # the names of its sponsors, for the staff
    flag: str | None


def pool_rows(user: User, programme: Programme, now: datetime,
              locale: str = "fr") -> list[FamilyRow]:
    """The programme's families: isolated ones first (the programme's setting
    `isolated_families_first`), then the fewest contacts, the longest wait. Each first name
    shown is a logged read."""
    needs = list(db.session.scalars(select(Need).where(
        Need.programme_id == programme.id, Need.person_id.is_not(None),
        Need.status.in_(IN_POOL)).options(
        selectinload(Need.person).selectinload(Person.organisation))))
    ids = [need.id for need in needs]
    sponsors, waiting = defaultdict(list), defaultdict(int)
    for need_id, status, name in db.session.execute(
            select(Match.need_id, Match.status, User.name).join(User, User.id == Match.user_id)
            .where(Match.need_id.in_(ids), Match.status.in_(LIVE)).order_by(User.name)):
        if status == S.active:
            sponsors[need_id].append(name)
        else:
            waiting[need_id] += 1
    isolated_first = defaults.value_of(programme.kind, programme.platform_settings,
                                       "isolated_families_first")
    found, shown = [], []
    for need in needs:
        person = need.person
        visible = access.sees_person_of(user, need)
        if visible:
            shown.append(person)
        contacts = len(sponsors[need.id])
        row = FamilyRow(
            need_id=need.id, title=need.text("title", locale),
            first_name=person.first_name if visible else None,
            isolated=person.isolated or person.no_outside_contact, contacts=contacts,
            target=need.people_needed, waiting=waiting[need.id], sponsors=sponsors[need.id],
            flag=flag_of(contacts, need.people_needed))
        found.append(((isolated_first and not row.isolated, contacts, person.waiting_since,
                       need.id), row))
    found.sort(key=lambda pair: pair[0])
    _log_reads(user, shown, "pool", now)
    return [row for _key, row in found]


def sponsor_choices(programme: Programme, now: datetime) -> list[tuple[int, str]]:
    """(user id, name) of the programme's volunteers whose application passes the rules'
    first rule (active, charter signed, trainings done): those a contact may be added for."""
    found = loading.volunteers(programme, day_in_brussels(now))
    ready = [user_id for user_id, volunteer in found.items()
             if rules.application(volunteer, None) is None]
    return list(db.session.execute(select(User.id, User.name).where(User.id.in_(ready))
                                   .order_by(func.lower(User.name), User.id)).all())


# Contacts -------------------------------------------------------------------------------------

def add_contact(staff: User, programme: Programme, need_id: int, user_id: int,
                now: datetime) -> Match:
    """The staff of the programme's organisation record a contact between a sponsor and a
    family: an active match, through the same rules as a proposal."""
    if not access.can_run_pool(staff, programme):
        raise DomainError(NOT_A_FAMILY)
    return _contact(staff, programme, _family(programme, need_id), user_id, now)


def record_met(sponsor: User, programme: Programme, need_id: int, now: datetime) -> Match:
    """The sponsor says they met a family of the programme's pool."""
    if not access.is_sponsor_in(sponsor, programme):
        raise DomainError(NOT_A_FAMILY)
    return _contact(sponsor, programme, _family(programme, need_id), sponsor.id, now)


def _family(programme: Programme, need_id: int) -> Need:
    need = db.session.scalar(loading.needs_with_facts(select(Need).where(
        Need.id == need_id, Need.programme_id == programme.id, Need.person_id.is_not(None),
        Need.status.in_(IN_POOL))))
    if need is None:
        raise DomainError(NOT_A_FAMILY, field="family")
    return need


def _contact(actor: User, programme: Programme, need: Need, user_id: int,
             now: datetime) -> Match:
    if not is_pool(programme):
        raise DomainError(NOT_A_FAMILY, field="family")
    # The need's row, then the sponsor's profile row, as services._lock: two contacts at
    # once for one sponsor (their limit) or one family wait for each other.
    services.lock_need_and_volunteer(need.id, user_id)
    today = day_in_brussels(now)
    try:
        volunteer = services.check_pair(need, user_id, today)
    except DomainError as refused:
        raise DomainError(refused.message, field="sponsor") from None
    score = scoring.score(volunteer, loading.need_facts(need, today),
                          services.weights_of(programme))
    match = Match(need=need, user_id=user_id, programme_id=programme.id, status=S.active,
                  score=score.total,
                  parts=[[part.name, part.points, part.strong] for part in score.parts],
                  proposed_by_id=actor.id, proposed_at=now, decided_by_id=actor.id,
                  decided_at=now, answered_at=now)
    db.session.add(match)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(services.ALREADY, field="sponsor") from None
    active = services.count_matches(Match.need_id == need.id, Match.status == S.active)
    if active >= need.people_needed and need.status == NeedStatus.open:
        need.status = NeedStatus.filled
    audit.log(actor, "contact", match, now, subject=db.session.get(User, user_id))
    messages.contact(match, actor, now)
    db.session.commit()
    return match


# The sponsor's side ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SponsorPool:
    programme_name: str
    families: list[str]  # first names of the families they are in contact with
    sponsors: list[str]  # first names of the pool's other sponsors


def first_name(name: str) -> str:
    return (name.split() or [""])[0]


def for_sponsor(user: User, now: datetime, locale: str = "fr") -> list[SponsorPool]:
    """For each sponsorship programme where the user has an active contact: the first
    names of their families and of the other sponsors, nothing else. In two queries
    however many programmes; each family's first name is a logged read."""
    mine = list(db.session.execute(
        select(Match.programme_id, Person).join(Need, Need.id == Match.need_id)
        .join(Person, Person.id == Need.person_id)
        .join(Programme, Programme.id == Match.programme_id)
        .where(Match.user_id == user.id, Match.status == S.active,
               Programme.kind == ProgrammeKind.sponsorship)
        .order_by(Match.programme_id, Person.first_name)).all())
    if not mine:
        return []
    families = defaultdict(list)
    for programme_id, person in mine:
        families[programme_id].append(person)
    others = defaultdict(set)
    for programme_id, name in db.session.execute(
            select(Match.programme_id, User.name).join(User, User.id == Match.user_id).where(
            Match.programme_id.in_(list(families)), Match.status == S.active,
            Match.user_id != user.id).distinct()):
        others[programme_id].add(first_name(name))
    programmes = {p.id: p for p in db.session.scalars(
        select(Programme).where(Programme.id.in_(list(families))))}
    found = [SponsorPool(programmes[pid].text("name", locale),
                         [person.first_name for person in people],
                         sorted(others[pid], key=str.lower))
             for pid, people in sorted(families.items())]
    _log_reads(user, [person for _pid, person in mine], "sponsor", now)
    return found


@dataclass(frozen=True)
class MetPage:
    why_not: str  # why the sponsor may not record a meeting yet; "" when they may
    families: list[tuple[int, str]]  # (need id, first name) of the families not yet met


def met_page(user: User, programme: Programme, now: datetime, locale: str) -> MetPage:
    """What the "I met this family" form offers: nothing but the reason while the
    sponsor's application does not pass the rules; else the pool's families they have no
    live match with, by first name (each a logged read)."""
    today = day_in_brussels(now)
    volunteer = loading.volunteers(programme, today, [user.id])[user.id]
    refusal = rules.application(volunteer, None)
    if refusal is not None:
        return MetPage(reasons.sentence(refusal, locale, services.training_names(
            programme, locale)), [])
    needs = list(db.session.scalars(select(Need).where(
        Need.programme_id == programme.id, Need.person_id.is_not(None),
        Need.status.in_(IN_POOL), Need.id.not_in(list(volunteer.matched_needs)))
        .options(selectinload(Need.person)).order_by(Need.id)))
    families = sorted(((need.id, need.person.first_name) for need in needs),
                      key=lambda pair: (pair[1].lower(), pair[0]))
    _log_reads(user, [need.person for need in needs], "sponsor_form", now)
    return MetPage("", families)


def _log_reads(user: User, people: list[Person], page: str, now: datetime) -> None:
    if people:
        audit.record_reads(user, people, now, page)
        db.session.commit()


def sponsor_programmes(user: User) -> list[Programme]:
    """The sponsorship programmes where the user's application is active: where they may
    say they met a family (the form then checks the rest of the rules)."""
    return list(db.session.scalars(select(Programme).join(
        Application, Application.programme_id == Programme.id).where(
        Application.user_id == user.id, Application.status == ApplicationStatus.active,
        Programme.kind == ProgrammeKind.sponsorship).order_by(Programme.id)))
