"""Sign-ups to an event's occurrences: a place or the waitlist, cancelling and promoting,
check-in, no-shows and the hours volunteered.

The services own the commit. A sign-up first locks its occurrence's row, then counts the
places held: two people signing up at once for the last place are served one after the
other, so a role never holds more people than its places. The volunteer's requirements
are the matching rules' (matching/rules.py), read as matching reads them, so that the
reason a person is refused here is the sentence they read there. A training session is
part of screening: an application to its programme that is not closed is enough, and
checking someone in records the training as done (programmes.services.record_training).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from passerelle.accounts.models import User
from passerelle.core.errors import DomainError
from passerelle.core.languages import language_in_sentence
from passerelle.core.skills import SKILLS
from passerelle.core.time import BRUSSELS, day_in_brussels
from passerelle.extensions import db
from passerelle.matching import loading, rules
from passerelle.matching.services import explain
from passerelle.organisations.models import Organisation, Programme
from passerelle.programmes import services as programmes
from passerelle.programmes.models import Application, ApplicationStatus, Training
from passerelle.scheduling import signup_messages
from passerelle.scheduling.models import (
    HOLDING,
    Event,
    EventKind,
    EventRole,
    Occurrence,
    Signup,
    SignupStatus,
)

STARTED = _l("This occurrence has already started: sign-ups are closed.")
CANCELLED = _l("This occurrence is cancelled.")
ALREADY = _l("You are already signed up for this occurrence.")
ALREADY_WAITING = _l("You are already on the waitlist for this occurrence.")
FULL = _l("Every place of this role is taken: nobody can be added.")
NOT_HOLDING = _l("This sign-up is already cancelled.")
TOO_EARLY = _l("Check-in opens on the day of the occurrence.")
BAD_MINUTES = _l("Give the minutes volunteered, between 0 and 1440.")
OTHER_EVENT = _l("This role is not one of the event's.")
DUO_MEETING = _l("To change a meeting, write to your coordinator.")
TRAINING_RECORDED = _l("This person was checked in: the training is recorded as done, and a "
                       "no-show cannot undo it.")
APPLY_FIRST = _l("Apply to the programme first.")
NO_APPLICATION = _l("This person has not applied to the programme: the training cannot be "
                    "recorded.")


def _locale() -> str:
    return str(get_locale() or "fr")


# Requirements -----------------------------------------------------------------------------

def requirement_refusal(user: User, occurrence: Occurrence, role: EventRole,
                        today: date) -> str | None:
    """The first requirement the person does not meet, as a sentence; None when they meet
    them all. The application and accreditation rules are matching's; then the role's.
    A training session asks only for an application that is not closed."""
    event = occurrence.event
    programme = event.programme
    if event.training_id is not None:
        return _training_refusal(user, programme)
    volunteer = loading.volunteers(programme, today, [user.id])[user.id]
    facts = rules.Need(id=0, organisation_id=programme.organisation_id,
                       centre=event.centre or None)
    for rule in (rules.application, rules.accreditation):
        refusal = rule(volunteer, facts)
        if refusal is not None:
            return explain(refusal, programme, _locale())
    if role.skill and role.skill not in volunteer.skills:
        return str(_l("This role asks for %(skill)s, which your profile does not list.",
                      skill=str(SKILLS.get(role.skill, role.skill))))
    if role.language and volunteer.languages.get(role.language, 0) < rules.CONVERSATIONAL:
        return str(_l("This role asks for %(language)s at a conversational level at least, "
                      "which your profile does not list.",
                      language=language_in_sentence(role.language, _locale())))
    return None


def _training_refusal(user: User, programme: Programme):
    application = programmes.application_of(user, programme)
    if application is None:
        return APPLY_FIRST
    if application.status in programmes.CLOSED:
        return programmes.NOT_OPEN
    return None


# Signing up -------------------------------------------------------------------------------

def _lock(occurrence: Occurrence) -> None:
    """The occurrence's row, read afresh: the places are counted under this lock."""
    db.session.refresh(occurrence, with_for_update=True)


def _held(occurrence_id: int, role_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.occurrence_id == occurrence_id, Signup.role_id == role_id,
        Signup.status.in_(HOLDING)))


def _existing(user: User, occurrence_id: int) -> Signup | None:
    return db.session.scalar(select(Signup).where(Signup.occurrence_id == occurrence_id,
                                                  Signup.user_id == user.id))


def _place(user: User, occurrence: Occurrence, role: EventRole, now: datetime,
           whole_series: bool, existing: Signup | None) -> Signup:
    """A row confirmed, or waitlisted when full; the caller holds the occurrence's lock.
    A row cancelled before is taken again (one row per person and occurrence)."""
    status = (SignupStatus.confirmed if _held(occurrence.id, role.id) < role.places
              else SignupStatus.waitlisted)
    signup = existing or Signup(occurrence_id=occurrence.id, user_id=user.id)
    signup.role_id, signup.status, signup.since = role.id, status, now
    signup.whole_series = whole_series
    signup.checked_in_at, signup.no_show, signup.minutes = None, False, None
    if existing is None:
        db.session.add(signup)
    db.session.flush()
    return signup


def _refuse_closed(occurrence: Occurrence, now: datetime) -> None:
    if occurrence.cancelled:
        raise DomainError(CANCELLED)
    if occurrence.starts_at <= now:
        raise DomainError(STARTED)


def sign_up(user: User, occurrence: Occurrence, role: EventRole, now: datetime,
            whole_series: bool = False) -> Signup:
    """A place for `role` at `occurrence`, or the waitlist when it is full; with
    `whole_series`, a row on every later occurrence of the event too."""
    if role.event_id != occurrence.event_id:
        raise DomainError(OTHER_EVENT, "role")
    _refuse_closed(occurrence, now)
    existing = _existing(user, occurrence.id)
    if existing is not None and existing.status in HOLDING:
        raise DomainError(ALREADY)
    if existing is not None and existing.status == SignupStatus.waitlisted:
        raise DomainError(ALREADY_WAITING)
    reason = requirement_refusal(user, occurrence, role, day_in_brussels(now))
    if reason is not None:
        raise DomainError(reason, "role")
    _lock(occurrence)
    _refuse_closed(occurrence, now)  # cancelled while we waited for the lock
    signup = _place(user, occurrence, role, now, whole_series, existing)
    signup_messages.confirmed(signup, now)
    if whole_series:
        later = [o for o in _future(occurrence.event, now) if o.id != occurrence.id]
        on_each(user, later, role, now)
    db.session.commit()
    return signup


def _future(event: Event, now: datetime) -> list[Occurrence]:
    return list(db.session.scalars(select(Occurrence).where(
        Occurrence.event_id == event.id, Occurrence.cancelled.is_(False),
        Occurrence.starts_at > now).order_by(Occurrence.id)))


def on_each(user: User, occurrences: list[Occurrence], role: EventRole, now: datetime,
            assigned_by: User | None = None) -> list[Signup]:
    """A row for `user` on each occurrence where they have none holding or waiting, locked
    in id order (the same order everywhere: two of these never wait for each other), each
    reminded; `assigned_by`, the coordinator who put them there. Does not commit."""
    made = []
    for occurrence in sorted(occurrences, key=lambda o: o.id):
        existing = _existing(user, occurrence.id)
        if existing is not None and existing.status != SignupStatus.cancelled:
            continue
        _lock(occurrence)
        if occurrence.cancelled or occurrence.starts_at <= now:
            continue
        made.append(_place(user, occurrence, role, now, True, existing))
        if assigned_by is not None:
            made[-1].assigned_by_id = assigned_by.id
    for signup in made:
        signup_messages.remind(signup, now)
    return made


def extend_series(event: Event, occurrences: list[Occurrence], now: datetime) -> int:
    """The occurrences made later for a series (the materialising job): those signed up for
    the whole series get a row on each, waitlisted where full. How many rows made; commits."""
    subscribers = db.session.execute(
        select(Signup.user_id, func.max(Signup.role_id)).join(Occurrence)
        .where(Occurrence.event_id == event.id, Signup.whole_series.is_(True),
               Signup.status != SignupStatus.cancelled)
        .group_by(Signup.user_id).order_by(Signup.user_id)).all()
    count = 0
    for user_id, role_id in subscribers:
        user, role = db.session.get(User, user_id), db.session.get(EventRole, role_id)
        count += len(on_each(user, list(occurrences), role, now))
    db.session.commit()
    return count


def overlaps(user: User, occurrence: Occurrence) -> list[Signup]:
    """The person's other holding sign-ups whose occurrence overlaps this one in time."""
    return list(db.session.scalars(
        select(Signup).join(Occurrence).where(
            Signup.user_id == user.id, Signup.status.in_(HOLDING),
            Occurrence.id != occurrence.id, Occurrence.cancelled.is_(False),
            Occurrence.starts_at < occurrence.ends_at,
            Occurrence.ends_at > occurrence.starts_at).order_by(Occurrence.starts_at)))


def waitlist_number(signup: Signup) -> int | None:
    """1 for the first waitlisted of its role at its occurrence; None when not waiting."""
    if signup.status != SignupStatus.waitlisted:
        return None
    before = db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.occurrence_id == signup.occurrence_id, Signup.role_id == signup.role_id,
        Signup.status == SignupStatus.waitlisted,
        (Signup.since < signup.since) | ((Signup.since == signup.since)
                                         & (Signup.id < signup.id))))
    return before + 1


# Cancelling and promoting -------------------------------------------------------------------

def cancel(user: User, signup: Signup, now: datetime) -> Signup | None:
    """The person leaves (`user`: who cancels, themselves or a coordinator); the first
    waitlisted of the role, if any, takes the place freed. Returns who was promoted."""
    if signup.occurrence.event.kind == EventKind.duo and user.id == signup.user_id:
        raise DomainError(DUO_MEETING)  # the coordinator plans and cancels a duo's meetings
    promoted = _leave(signup, now, everything=False)
    db.session.commit()
    return promoted


def given_up(signups: list[Signup], now: datetime) -> None:
    """Places given up without the person asking (their application closed, their account
    erased): as `cancel`, with all that was still to be sent to them about it cancelled
    and the waitlist promoted, in id order of the occurrences. Does not commit."""
    for signup in sorted(signups, key=lambda s: (s.occurrence_id, s.id)):
        if signup.status != SignupStatus.cancelled:
            _leave(signup, now, everything=True)


def _leave(signup: Signup, now: datetime, everything: bool) -> Signup | None:
    occurrence = signup.occurrence
    _lock(occurrence)
    db.session.refresh(signup)
    if signup.status == SignupStatus.cancelled:
        raise DomainError(NOT_HOLDING)
    held = signup.status in HOLDING
    signup.status, signup.since, signup.whole_series = SignupStatus.cancelled, now, False
    signup_messages.forget(signup, everything)
    if held and not occurrence.cancelled and occurrence.starts_at > now:
        return _promote(occurrence, signup.role, now)
    return None


def _promote(occurrence: Occurrence, role: EventRole, now: datetime) -> Signup | None:
    if _held(occurrence.id, role.id) >= role.places:
        return None
    first = db.session.scalar(select(Signup).where(
        Signup.occurrence_id == occurrence.id, Signup.role_id == role.id,
        Signup.status == SignupStatus.waitlisted).order_by(Signup.since, Signup.id).limit(1))
    if first is None:
        return None
    first.status, first.since = SignupStatus.confirmed, now
    db.session.flush()
    signup_messages.promoted(first, now)
    return first


# Coordinators: assigning, check-in, hours ----------------------------------------------------

def assign(coordinator: User, occurrence: Occurrence, role: EventRole, user: User,
           now: datetime) -> Signup:
    """A coordinator puts someone on the occurrence directly: refused when the role is full
    (a coordinator does not overfill it either), and for one already there."""
    if role.event_id != occurrence.event_id:
        raise DomainError(OTHER_EVENT, "role")
    _refuse_closed(occurrence, now)
    _lock(occurrence)
    existing = _existing(user, occurrence.id)
    if existing is not None and existing.status != SignupStatus.cancelled:
        raise DomainError(ALREADY_WAITING if existing.status == SignupStatus.waitlisted
                          else ALREADY)
    if _held(occurrence.id, role.id) >= role.places:
        raise DomainError(FULL, "role")
    signup = _place(user, occurrence, role, now, False, existing)
    signup.assigned_by_id = coordinator.id
    signup_messages.confirmed(signup, now)
    db.session.commit()
    return signup


def assignable(occurrence: Occurrence, limit: int = 500) -> list[tuple[int, str]]:
    """(user id, name) of those a coordinator may put on the occurrence: the programme's
    volunteers with an active application (for a training, one that is not closed) who
    are not on it already, by name. One query."""
    event = occurrence.event
    open_enough = (Application.status.not_in(programmes.CLOSED) if event.training_id
                   else Application.status == ApplicationStatus.active)
    there = select(Signup.user_id).where(Signup.occurrence_id == occurrence.id,
                                         Signup.status != SignupStatus.cancelled)
    return [tuple(row) for row in db.session.execute(
        select(User.id, User.name).join(Application, Application.user_id == User.id)
        .where(Application.programme_id == event.programme_id, open_enough,
               User.id.not_in(there))
        .order_by(User.name, User.id).limit(limit)).all()]


def _holding(signup: Signup) -> None:
    if signup.status not in HOLDING:
        raise DomainError(NOT_HOLDING)


def check_in(coordinator: User, signup: Signup, now: datetime) -> Signup:
    """Here: from the start of the occurrence's day (Brussels). At a training session,
    the training is recorded as done on that day, in the same commit."""
    _holding(signup)
    day = signup.occurrence.starts_at.astimezone(BRUSSELS).date()
    if now < datetime.combine(day, time(0), BRUSSELS):
        raise DomainError(TOO_EARLY)
    event = signup.occurrence.event
    application = None
    if event.training_id is not None:
        application = programmes.application_of(signup.user, event.programme)
        if application is None:
            raise DomainError(NO_APPLICATION)
        if application.status in programmes.CLOSED:
            raise DomainError(programmes.NOT_OPEN)
    signup.checked_in_at, signup.no_show = now, False
    signup.recorded_by_id = coordinator.id
    if application is None:
        db.session.commit()
        return signup
    training = db.session.get(Training, event.training_id)
    try:
        programmes.record_training(coordinator, application, training, day, now)  # commits
    except DomainError:
        db.session.rollback()
        raise
    return signup


def no_show(coordinator: User, signup: Signup, now: datetime) -> Signup:
    _holding(signup)
    day = signup.occurrence.starts_at.astimezone(BRUSSELS).date()
    if now < datetime.combine(day, time(0), BRUSSELS):
        raise DomainError(TOO_EARLY)
    if signup.checked_in_at is not None and signup.occurrence.event.training_id is not None:
        # The check-in wrote the training record and moved the application on.
        raise DomainError(TRAINING_RECORDED)
    signup.no_show, signup.checked_in_at, signup.minutes = True, None, None
    signup.recorded_by_id = coordinator.id
    db.session.commit()
    return signup


def record_hours(coordinator: User, signup: Signup, minutes: int) -> Signup:
    _holding(signup)
    if not isinstance(minutes, int) or not 0 <= minutes <= 1440:
        raise DomainError(BAD_MINUTES, "minutes")
    signup.minutes, signup.no_show = minutes, False
    signup.recorded_by_id = coordinator.id
    db.session.commit()
    return signup


@dataclass(frozen=True)
class HoursRow:
    day: date
    programme: Programme
    event: Event
    minutes: int


def hours_of(user: User) -> list[HoursRow]:
    """The person's recorded hours, latest first."""
    rows = db.session.execute(
        select(Occurrence.starts_at, Event, Signup.minutes).select_from(Signup)
        .join(Occurrence, Signup.occurrence_id == Occurrence.id)
        .join(Event, Occurrence.event_id == Event.id)
        .where(Signup.user_id == user.id, Signup.minutes.is_not(None),
               Signup.status.in_(HOLDING))
        .order_by(Occurrence.starts_at.desc())).all()
    return [HoursRow(day_in_brussels(starts), event.programme, event, minutes)
            for starts, event, minutes in rows]


def hours_csv(organisation: Organisation, first: date, last: date, locale: str = "fr") -> str:
    """The hours recorded in the organisation's own programmes, `first` to `last` included
    (Brussels days): date, programme, event, volunteer name, e-mail, minutes."""
    start = datetime.combine(first, time(0), BRUSSELS)
    end = datetime.combine(date.fromordinal(last.toordinal() + 1), time(0), BRUSSELS)
    rows = db.session.execute(
        select(Occurrence.starts_at, Programme, Event, User.name, User.email, Signup.minutes)
        .select_from(Signup)
        .join(Occurrence, Signup.occurrence_id == Occurrence.id)
        .join(Event, Occurrence.event_id == Event.id)
        .join(Programme, Event.programme_id == Programme.id)
        .join(User, Signup.user_id == User.id)
        .where(Programme.organisation_id == organisation.id, Signup.minutes.is_not(None),
               Signup.status.in_(HOLDING), Occurrence.starts_at >= start,
               Occurrence.starts_at < end)
        .order_by(Occurrence.starts_at, User.name)).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "programme", "event", "volunteer", "email", "minutes"])
    for starts, programme, event, name, email, minutes in rows:
        writer.writerow([day_in_brussels(starts).isoformat(), programme.text("name", locale),
                         event.text("title", locale), name, email, minutes])
    return out.getvalue()


def signups_of(user: User) -> list[Signup]:
    """Every sign-up of this person, whatever became of it, by the occurrence's start (for
    their own data): with its occurrence, event, programme and role, in a fixed number of
    queries."""
    return list(db.session.scalars(
        select(Signup).join(Occurrence, Signup.occurrence_id == Occurrence.id)
        .where(Signup.user_id == user.id)
        .options(selectinload(Signup.occurrence).selectinload(Occurrence.event)
                 .selectinload(Event.programme).selectinload(Programme.organisation),
                 selectinload(Signup.role))
        .order_by(Occurrence.starts_at, Signup.id)))
