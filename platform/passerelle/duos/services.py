"""Language duos: batches of proposals, and each duo's life.

proposed (by a batch) -> approved by a coordinator (or refused, with a reason) -> active
when both participants accepted (or declined when one of them declines) -> ended. Each
decision is written to the audit log and announced through the outbox in the same
transaction. Every change locks the two participants' profile rows (lower id first, so
that two transactions never wait for each other) and then the duo's row, read afresh:
two answers at once, or two approvals sharing a person, are taken one after the other.

A batch is the maximum-weight matching of matching/duos.py over the waiting participants,
recorded as a MatchBatch of kind duos (objective "score", total = the duos' weight, pairs
considered = the possible duos kept) so that a duo batch is audited like any other batch.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from passerelle.accounts.models import User
from passerelle.core import access, audit, decisions
from passerelle.core.errors import NOT_FOUND, DomainError, NotFound
from passerelle.core.languages import language_in_sentence
from passerelle.core.time import add_months, day_in_brussels
from passerelle.duos import loading, meetings, messages
from passerelle.duos.models import REASON_MAX, Duo, DuoStatus
from passerelle.extensions import db
from passerelle.matching import duos
from passerelle.matching.models import BatchKind, BatchStatus, MatchBatch, Objective
from passerelle.organisations.models import Programme, ProgrammeKind
from passerelle.volunteers.choices import INTERESTS
from passerelle.volunteers.models import VolunteerProfile

S = DuoStatus
# Langue&Culture duos meet in person: both live within MAX_KM of each other. Someone with
# no place in their profile cannot be proposed (nothing says the two can meet).
MAX_KM = 25.0
K_BEST = 10  # each person's best possible duos kept for the matching (see matching/duos.py)
DEFAULT_FOLLOW_UP_MONTHS = 3

REASON_NEEDED = _l("Say why, in a few words.")
ALREADY_UNDONE = _l("This batch was already undone: nothing changed.")
KEPT = (DuoStatus.approved, DuoStatus.active, DuoStatus.ended)  # what undoing a batch keeps


def _already(status: DuoStatus) -> DomainError:
    return DomainError(_l("This duo is no longer waiting for that: it is %(status)s.",
                          status=status.label.lower()))


def newcomer_duos(programme: Programme) -> bool:
    return bool((programme.facts or {}).get("newcomer_duos_allowed", True))


def follow_up_months(programme: Programme) -> int:
    months = (programme.facts or {}).get("follow_up_months")
    return months if isinstance(months, int) and months > 0 else DEFAULT_FOLLOW_UP_MONTHS


def is_language_exchange(programme: Programme) -> bool:
    return programme.kind == ProgrammeKind.language_exchange


# Batches ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Instance:
    people: dict[int, duos.Participant]  # the waiting participants, by user id
    edges: dict[tuple[int, int], int]  # each person's K_BEST best possible duos, weighted


def instance(programme: Programme, today: date) -> Instance:
    people = loading.waiting(programme, today)
    found = duos.best(list(people.values()), newcomer_duos(programme), MAX_KM, K_BEST)
    return Instance(people, found.edges)


def export(programme: Programme, today: date) -> dict:
    """The batch a coordinator would get now, for audit; records nothing."""
    problem = instance(programme, today)
    proposed = duos.propose(problem.people, problem.edges)
    return duos.export(problem.people, problem.edges, proposed)


def reasons_json(why: duos.Reasons) -> dict:
    return {"interests": list(why.interests), "first_to_second": list(why.a_to_b),
            "second_to_first": list(why.b_to_a),
            "km": None if why.km is None else round(why.km, 1)}


def run_batch(coordinator: User, programme: Programme, now: datetime) -> MatchBatch:
    if not access.can_coordinate_programme(coordinator, programme) or \
            not is_language_exchange(programme):
        raise NotFound(NOT_FOUND)
    problem = instance(programme, day_in_brussels(now))
    if len(problem.people) < 2:
        raise DomainError(_l("Fewer than two participants are waiting for a duo."))
    if not problem.edges:
        raise DomainError(_l("No two waiting participants can form a duo: each must speak a "
                             "language the other practises, and live within %(km)s km.",
                             km=int(MAX_KM)))
    proposed = duos.propose(problem.people, problem.edges)
    allowed = newcomer_duos(programme)
    batch = MatchBatch(programme_id=programme.id, kind=BatchKind.duos,
                       created_by_id=coordinator.id, created_at=now,
                       objective=Objective.score, total=duos.total(proposed, problem.edges),
                       pairs_considered=len(problem.edges), uncovered=[])
    db.session.add(batch)
    db.session.flush()
    created = [Duo(programme_id=programme.id, first_id=a, second_id=b, status=S.proposed,
                   weight=problem.edges[a, b],
                   reasons=reasons_json(duos.reasons(problem.people[a], problem.people[b],
                                                     allowed, MAX_KM)),
                   batch_id=batch.id, proposed_by_id=coordinator.id, proposed_at=now)
               for a, b in proposed]
    db.session.add_all(created)
    db.session.flush()
    for duo in created:
        audit.log(coordinator, "proposed", duo, now)
    db.session.commit()
    return batch


def batch_duos(batch: MatchBatch) -> list[Duo]:
    return list(db.session.scalars(
        select(Duo).where(Duo.batch_id == batch.id)
        .options(selectinload(Duo.first), selectinload(Duo.second))
        .order_by(Duo.weight.desc(), Duo.id)))


def approve_batch(coordinator: User, batch: MatchBatch, duo_ids: list[int],
                  now: datetime) -> tuple[int, list[tuple[Duo, str]]]:
    """Approves the chosen duos of the batch; returns how many, and those that could not
    be with the reason."""
    if not access.can_coordinate_programme(coordinator, batch.programme) or \
            batch.kind != BatchKind.duos:
        raise NotFound(NOT_FOUND)
    wanted = set(duo_ids)
    chosen = [duo for duo in batch_duos(batch) if duo.id in wanted]
    if not chosen:
        raise DomainError(_l("Choose at least one duo."))
    done, failed = decisions.each(chosen, lambda duo: _approve(coordinator, duo, now))
    db.session.commit()
    return done, failed


def undo_batch(coordinator: User, batch: MatchBatch, now: datetime) -> tuple[int, int]:
    """Withdraws the batch's duos still proposed (nobody was told of them); those approved,
    active or ended are kept as they are. Returns (withdrawn, kept). Unlike an ordinary
    batch, a duo batch may be undone after some of its duos were approved: each duo is
    told on its own, so withdrawing the others takes nothing from them."""
    if not access.can_coordinate_programme(coordinator, batch.programme) or \
            batch.kind != BatchKind.duos:
        raise NotFound(NOT_FOUND)
    if batch.status == BatchStatus.undone:
        raise DomainError(ALREADY_UNDONE)
    found = batch_duos(batch)
    waiting = [duo for duo in found if duo.status == S.proposed]
    _lock(*waiting)  # the profiles and duos first, as _approve, then the batch
    db.session.refresh(batch, with_for_update=True)
    if batch.status == BatchStatus.undone:  # by someone else meanwhile
        raise DomainError(ALREADY_UNDONE)
    withdrawn = [duo for duo in waiting if duo.status == S.proposed]
    for duo in withdrawn:
        duo.status = S.cancelled
        duo.decided_by_id = coordinator.id
        duo.decided_at = now
        audit.log(coordinator, "cancelled", duo, now)
    batch.status = BatchStatus.undone
    db.session.commit()
    return len(withdrawn), sum(1 for duo in found if duo.status in KEPT)


def recent_batches(programme: Programme, limit: int = 10) -> list[MatchBatch]:
    """The programme's duo batches (kind duos, whatever became of their duos)."""
    return list(db.session.scalars(select(MatchBatch).where(
        MatchBatch.programme_id == programme.id, MatchBatch.kind == BatchKind.duos)
        .order_by(MatchBatch.created_at.desc(), MatchBatch.id.desc()).limit(limit)))


# One duo ------------------------------------------------------------------------------------

def approve(coordinator: User, duo: Duo, now: datetime) -> None:
    _approve(coordinator, duo, now)
    db.session.commit()


def _approve(coordinator: User, duo: Duo, now: datetime) -> None:
    """Checks again what may have changed since the batch: both may still take part, and
    neither is in another approved or active duo of the programme."""
    if not access.can_decide_duo(coordinator, duo):
        raise NotFound(NOT_FOUND)
    _lock(duo)
    if duo.status != S.proposed:
        raise _already(duo.status)
    programme = duo.programme
    both = [duo.first_id, duo.second_id]
    still = loading.participants(programme, day_in_brussels(now), both)
    if len(still) < 2:
        raise DomainError(_l("This duo can no longer be approved: %(reason)s",
                             reason=_l("one of the two no longer takes part in the "
                                       "programme.")))
    busy = db.session.scalar(select(func.count()).select_from(Duo).where(
        Duo.programme_id == programme.id, Duo.id != duo.id,
        Duo.status.in_((S.approved, S.active)),
        or_(Duo.first_id.in_(both), Duo.second_id.in_(both))))
    if busy:
        raise DomainError(_l("This duo can no longer be approved: %(reason)s",
                             reason=_l("one of the two is already in another duo.")))
    duo.status = S.approved
    duo.decided_by_id = coordinator.id
    duo.decided_at = now
    if duo.batch_id is not None:
        batch = db.session.get(MatchBatch, duo.batch_id)
        if batch.status == BatchStatus.open:
            batch.status = BatchStatus.decided
    audit.log(coordinator, "approved", duo, now)
    messages.approved(duo, now)


def refuse(coordinator: User, duo: Duo, reason: str, now: datetime) -> None:
    if not access.can_decide_duo(coordinator, duo):
        raise NotFound(NOT_FOUND)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(REASON_NEEDED, field="reason")
    _lock(duo)
    if duo.status != S.proposed:
        raise _already(duo.status)
    duo.status = S.refused
    duo.reason = reason[:REASON_MAX]
    duo.decided_by_id = coordinator.id
    duo.decided_at = now
    audit.log(coordinator, "refused", duo, now)
    db.session.commit()


def accept(participant: User, duo: Duo, now: datetime) -> None:
    """One yes; with the other's, the duo is active from today for the programme's
    follow-up months."""
    if not access.is_in_duo(participant, duo):
        raise NotFound(NOT_FOUND)
    _lock(duo)
    if duo.status != S.approved:
        raise _already(duo.status)
    if _yes_of(duo, participant.id) is not None:
        raise DomainError(_l("You already accepted: the duo waits for the other's answer."))
    if participant.id == duo.first_id:
        duo.first_yes_at = now
    else:
        duo.second_yes_at = now
    audit.log(participant, "accepted", duo, now)
    if duo.first_yes_at is not None and duo.second_yes_at is not None:
        duo.status = S.active
        duo.started_on = day_in_brussels(now)
        duo.ends_on = add_months(duo.started_on, follow_up_months(duo.programme))
        messages.active(duo, now)
    db.session.commit()


def decline(participant: User, duo: Duo, reason: str, now: datetime) -> None:
    if not access.is_in_duo(participant, duo):
        raise NotFound(NOT_FOUND)
    _lock(duo)
    if duo.status != S.approved:
        raise _already(duo.status)
    _decline(participant, duo, reason, now)
    db.session.commit()


def _decline(participant: User, duo: Duo, reason: str, now: datetime) -> None:
    """One participant's no to an approved duo (locked and checked by the caller): the
    other and the coordinators are told."""
    duo.status = S.declined
    duo.reason = (reason or "").strip()[:REASON_MAX]
    audit.log(participant, "declined", duo, now)
    messages.declined(duo, participant.id, now)


def end_followed(now: datetime) -> int:
    """Active duos whose follow-up ended before today end; both participants are thanked.
    Returns how many ended."""
    today = day_in_brussels(now)
    due = list(db.session.scalars(select(Duo.id).where(
        Duo.status == DuoStatus.active, Duo.ends_on < today).order_by(Duo.id)))
    for duo_id in due:
        duo = db.session.get(Duo, duo_id)
        _lock(duo)
        if duo.status != DuoStatus.active:  # ended by someone else meanwhile
            continue
        _end(None, duo, now)
    db.session.commit()
    return len(due)


def _end(actor: User | None, duo: Duo, now: datetime, leaving: User | None = None) -> None:
    """An active duo (locked and checked by the caller) ends; both participants are told,
    but the one `leaving`; its meetings still to come are cancelled."""
    duo.status = DuoStatus.ended
    audit.log(actor, "ended", duo, now)
    messages.ended(duo, now, leaving=leaving)
    meetings.end_all(duo, now)


def forget_participant(user: User, now: datetime) -> None:
    """A participant erasing their account leaves their duos: one still waiting for a
    coordinator is withdrawn (nobody was told of it), an approved one declined (the other
    and the coordinators told, as for any no, without a reason), an active one ends today
    (the other told). The reasons they gave for a no are cleared. Does not commit: the
    erasure (privacy.services) commits once."""
    today = day_in_brussels(now)
    for participation in participations_of(user):
        duo = participation.duo
        if duo.status in (S.proposed, S.approved, S.active):
            _lock(duo)
        if duo.status == S.proposed:
            duo.status = S.cancelled
            audit.log(user, "cancelled", duo, now)
        elif duo.status == S.approved:
            _decline(user, duo, "", now)
        elif duo.status == S.active:
            duo.ends_on = min(duo.ends_on or today, today)
            _end(user, duo, now, leaving=user)
        elif participation.answer == "declined":
            duo.reason = ""


def _yes_of(duo: Duo, user_id: int) -> datetime | None:
    return duo.first_yes_at if user_id == duo.first_id else duo.second_yes_at


def _lock(*locked: Duo) -> None:
    """The participants' profile rows (by user id: always the same order), then the duos
    themselves, read afresh."""
    if not locked:
        return
    db.session.execute(select(VolunteerProfile.id).where(
        VolunteerProfile.user_id.in_({i for duo in locked for i in (duo.first_id,
                                                                    duo.second_id)}))
        .order_by(VolunteerProfile.user_id).with_for_update())
    for duo in locked:
        db.session.refresh(duo, with_for_update=True)


# What the pages show ------------------------------------------------------------------------

@dataclass(frozen=True)
class Why:
    """A duo's reasons in words, in the reader's language."""

    interests: list[str]  # shared interests' labels
    first_to_second: list[str]  # languages' names
    second_to_first: list[str]
    km: float | None


def why(duo: Duo, locale: str) -> Why:
    reasons = duo.reasons or {}
    return Why([str(INTERESTS.get(key, key)) for key in reasons.get("interests", ())],
               [language_in_sentence(code, locale) for code in reasons.get("first_to_second", ())],
               [language_in_sentence(code, locale) for code in reasons.get("second_to_first", ())],
               reasons.get("km"))


@dataclass(frozen=True)
class ForParticipant:
    """What one participant reads of their duo: the other's first name, what each brings
    the other, their shared interests, whether each said yes."""

    other: str
    they_give: list[str]  # languages the other speaks that I practise
    i_give: list[str]
    interests: list[str]
    i_said_yes: bool
    other_said_yes: bool


def for_participant(duo: Duo, user_id: int, locale: str) -> ForParticipant:
    words = why(duo, locale)
    first = user_id == duo.first_id
    return ForParticipant(
        loading.first_name(duo.other(user_id)),
        words.second_to_first if first else words.first_to_second,
        words.first_to_second if first else words.second_to_first,
        words.interests, _yes_of(duo, user_id) is not None,
        _yes_of(duo, duo.second_id if first else duo.first_id) is not None)


def contact_of(programme: Programme) -> str:
    """How an active duo reaches each other: through the organisation, never the other's
    address. The programme's contact, else the organisation's e-mail or phone."""
    contact = programme.contact or {}
    organisation = programme.organisation
    parts = [contact.get("name"), contact.get("email") or organisation.email,
             contact.get("phone") or organisation.phone]
    return " · ".join(part for part in parts if part)


def duos_of(user: User) -> list[Duo]:
    """The duos this person is in and may see, newest first."""
    found = db.session.scalars(select(Duo).where(
        or_(Duo.first_id == user.id, Duo.second_id == user.id))
        .options(selectinload(Duo.first), selectinload(Duo.second),
                 selectinload(Duo.programme).selectinload(Programme.organisation))
        .order_by(Duo.proposed_at.desc(), Duo.id.desc()))
    return [duo for duo in found if access.is_in_duo(user, duo)]


def duos_of_programme(programme: Programme, limit: int = 200) -> list[Duo]:
    return list(db.session.scalars(select(Duo).where(Duo.programme_id == programme.id)
                                   .options(selectinload(Duo.first), selectinload(Duo.second))
                                   .order_by(Duo.proposed_at.desc(), Duo.id.desc())
                                   .limit(limit)))


@dataclass(frozen=True)
class Participation:
    """A duo in a participant's own data: `named` once a coordinator approved it (the
    other's first name is theirs to read, as on the duo's page); their own answer, if any,
    with when."""

    duo: Duo
    named: bool
    answer: str  # "accepted", "declined" or ""
    answered_at: datetime | None


def participations_of(user: User) -> list[Participation]:
    """Every duo this person is or was in, whatever became of it, oldest first. Their no
    is read from the audit log (the duo keeps only that it was declined)."""
    found = list(db.session.scalars(select(Duo).where(
        or_(Duo.first_id == user.id, Duo.second_id == user.id))
        .options(selectinload(Duo.first), selectinload(Duo.second),
                 selectinload(Duo.programme).selectinload(Programme.organisation))
        .order_by(Duo.proposed_at, Duo.id)))
    if not found:
        return []
    declined = {duo_id: at for duo_id, (_, _, at) in audit.last_entries(
        Duo.audit_type, [duo.id for duo in found], ("declined",), user_id=user.id).items()}
    rows = []
    for duo in found:
        yes = _yes_of(duo, user.id)
        answer = ("declined" if duo.id in declined and duo.status == S.declined
                  else "accepted" if yes is not None else "")
        rows.append(Participation(duo, access.is_in_duo(user, duo), answer,
                                  declined.get(duo.id) if answer == "declined" else yes))
    return rows
