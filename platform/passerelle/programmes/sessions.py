"""Training sessions: events of kind training (scheduling.models), one per session, with
one role whose places are the session's capacity. Coordinators schedule them, volunteers
sign up, and attending counts as the training done."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from passerelle.accounts.models import User
from passerelle.core.errors import DomainError
from passerelle.core.time import to_brussels
from passerelle.extensions import db
from passerelle.programmes import messages, services
from passerelle.programmes.models import Training, TrainingRecord
from passerelle.scheduling.models import (
    HOLDING,
    Event,
    EventKind,
    EventRole,
    Occurrence,
    Signup,
    SignupStatus,
)

FULL = _l("This session is full. Choose another one.")


@dataclass
class Session:
    """A training session as its pages and messages read it: an occurrence of its event."""

    id: int  # the occurrence's
    training_id: int
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    signups: list[Signup] = field(default_factory=list)


def _sessions(query) -> list[Session]:
    rows = db.session.execute(query.join(Event, Event.id == Occurrence.event_id)
                              .options(selectinload(Occurrence.event).selectinload(Event.roles)))
    return [Session(occurrence.id, occurrence.event.training_id, occurrence.starts_at,
                    occurrence.ends_at, occurrence.event.address,
                    sum(role.places for role in occurrence.event.roles))
            for occurrence, in rows]


def _of_trainings(training_ids) -> select:
    return select(Occurrence).where(
        Occurrence.event_id.in_(select(Event.id).where(Event.training_id.in_(training_ids))),
        Occurrence.cancelled.is_(False))


def add_session(training: Training, starts_at: datetime, ends_at: datetime, place: str,
                capacity: int, now: datetime) -> Occurrence:
    """The event, its role and its occurrence. Does not commit."""
    title = {f"title_{code}": getattr(training, f"name_{code}") for code in ("fr", "nl", "en")}
    event = Event(programme_id=training.programme_id, kind=EventKind.training,
                  training_id=training.id, address=place.strip(),
                  starts_local=to_brussels(starts_at).replace(tzinfo=None),
                  minutes=int((ends_at - starts_at).total_seconds() // 60), exdates=[],
                  created_at=now, updated_at=now, **title)
    event.roles.append(EventRole(places=capacity))
    db.session.add(event)
    db.session.flush()
    occurrence = Occurrence(event_id=event.id, original_at=starts_at, starts_at=starts_at,
                            ends_at=ends_at)
    db.session.add(occurrence)
    db.session.flush()
    return occurrence


def schedule(training: Training, starts_at: datetime, ends_at: datetime, place: str,
             capacity: int, now: datetime) -> Session:
    if ends_at <= starts_at:
        raise DomainError(_l("The session must end after it starts."), field="end")
    if starts_at <= now:
        raise DomainError(_l("Choose a moment in the future."), field="day")
    occurrence = add_session(training, starts_at, ends_at, place, capacity, now)
    db.session.commit()
    return session(occurrence.id)


def session(occurrence_id: int) -> Session | None:
    """The training session of this occurrence, or None when it is no training's."""
    found = _sessions(select(Occurrence).where(Occurrence.id == occurrence_id,
                                               Event.training_id.is_not(None)))
    return found[0] if found else None


def all_sessions(training: Training) -> list[Session]:
    """Latest first, each with its sign-ups and their people (three queries)."""
    found = _sessions(_of_trainings([training.id]).order_by(Occurrence.starts_at.desc()))
    by_id = {item.id: item for item in found}
    for signup in db.session.scalars(
            select(Signup).where(Signup.occurrence_id.in_(by_id), Signup.status.in_(HOLDING))
            .options(selectinload(Signup.user)).order_by(Signup.id)):
        by_id[signup.occurrence_id].signups.append(signup)
    return found


@dataclass(frozen=True)
class Offer:
    """An upcoming session a volunteer may take, as their applications page shows it."""

    session: Session
    training: Training
    places_left: int
    signed_up: bool


def offers_for(user: User, applications: list, trainings: dict[int, list[Training]],
               now: datetime) -> dict[int, list[Offer]]:
    """By application: the upcoming sessions of its programme's trainings that this
    volunteer has not done yet. A fixed number of queries however many applications.
    `trainings` are the programmes' trainings, from `services.trainings_by_programme`."""
    done = set(db.session.scalars(select(TrainingRecord.training_id).where(
        TrainingRecord.user_id == user.id)))
    wanted = [t.id for group in trainings.values() for t in group if t.id not in done]
    by_training: dict[int, list[Session]] = {}
    for item in _sessions(_of_trainings(wanted).where(Occurrence.starts_at > now)
                          .order_by(Occurrence.starts_at)):
        by_training.setdefault(item.training_id, []).append(item)
    ids = [item.id for group in by_training.values() for item in group]
    taken = dict(db.session.execute(select(Signup.occurrence_id, func.count()).where(
        Signup.occurrence_id.in_(ids), Signup.status.in_(HOLDING))
        .group_by(Signup.occurrence_id)).all())
    mine = set(db.session.scalars(select(Signup.occurrence_id).where(
        Signup.user_id == user.id, Signup.occurrence_id.in_(ids), Signup.status.in_(HOLDING))))
    return {application.id: [
        Offer(item, training, max(item.capacity - taken.get(item.id, 0), 0), item.id in mine)
        for training in trainings.get(application.programme_id, [])
        for item in by_training.get(training.id, [])] for application in applications}


def places_left(item: Session) -> int:
    taken = db.session.scalar(select(func.count()).select_from(Signup).where(
        Signup.occurrence_id == item.id, Signup.status.in_(HOLDING))) or 0
    return max(item.capacity - taken, 0)


def _signup_of(user: User, item: Session) -> Signup | None:
    return db.session.scalar(select(Signup).where(Signup.occurrence_id == item.id,
                                                  Signup.user_id == user.id))


def is_signed_up(user: User, item: Session) -> bool:
    signup = _signup_of(user, item)
    return signup is not None and signup.status in HOLDING


def sign_up(user: User, item: Session, now: datetime) -> Signup:
    if item.starts_at <= now:
        raise DomainError(_l("This session has already started."))
    if is_signed_up(user, item):
        raise DomainError(_l("You are already signed up for this session."))
    training = db.session.get(Training, item.training_id)
    application = services.application_of(user, training.programme)
    if application is None:
        raise DomainError(_l("Apply to the programme first."))
    if application.status in services.CLOSED:
        raise DomainError(services.NOT_OPEN)
    # Lock the occurrence so that two last-minute sign-ups cannot both take the last place.
    db.session.scalar(select(Occurrence.id).where(Occurrence.id == item.id).with_for_update())
    if places_left(item) == 0:
        raise DomainError(FULL)
    role_id = db.session.scalar(select(EventRole.id).join(
        Occurrence, Occurrence.event_id == EventRole.event_id).where(Occurrence.id == item.id))
    signup = _signup_of(user, item)  # a place given up before, taken again
    if signup is None:
        signup = Signup(occurrence_id=item.id, role_id=role_id, user_id=user.id)
        db.session.add(signup)
    signup.status, signup.since = SignupStatus.confirmed, now
    messages.signed_up(user, item, training, now)
    db.session.commit()
    return signup


def mark_attended(coordinator: User, signup: Signup, now: datetime) -> None:
    """Attending counts as the training done, on the session's day, for the programme."""
    item = session(signup.occurrence_id)
    if item.starts_at > now:
        raise DomainError(_l("Attendance can be recorded once the session has started."))
    training = db.session.get(Training, item.training_id)
    application = services.application_of(signup.user, training.programme)
    day = to_brussels(item.starts_at).date()
    signup.checked_in_at = signup.checked_in_at or now
    try:
        services.record_training(coordinator, application, training, day, now)
    except DomainError:
        db.session.rollback()
        raise
