"""Training sessions: events of kind training (scheduling.models), one per session, with
one role whose places are the session's capacity. Coordinators schedule them here; signing
up, the waitlist, cancelling and check-in (which records the training done) are
scheduling/signups.py's, as for any event. What the pages read is made ready here."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from passerelle.accounts.models import User
from passerelle.core.errors import DomainError
from passerelle.core.time import to_brussels
from passerelle.extensions import db
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


@dataclass
class Session:
    """A training session as its pages and messages read it: an occurrence of its event."""

    id: int  # the occurrence's
    training_id: int
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    role_id: int  # the one role: what a sign-up form sends
    signups: list[Signup] = field(default_factory=list)


def _sessions(query) -> list[Session]:
    rows = db.session.execute(query.join(Event, Event.id == Occurrence.event_id)
                              .options(selectinload(Occurrence.event).selectinload(Event.roles)))
    return [Session(occurrence.id, occurrence.event.training_id, occurrence.starts_at,
                    occurrence.ends_at, occurrence.event.address,
                    sum(role.places for role in occurrence.event.roles),
                    occurrence.event.roles[0].id)
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
    mine: Signup | None  # the volunteer's sign-up holding a place or waiting, if any
    waitlist_number: int | None = None

    @property
    def signed_up(self) -> bool:
        return self.mine is not None and self.mine.status in HOLDING


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
    mine = {signup.occurrence_id: signup for signup in db.session.scalars(select(Signup).where(
        Signup.user_id == user.id, Signup.occurrence_id.in_(ids),
        Signup.status != SignupStatus.cancelled))}
    numbers = _waitlist_numbers([s.id for s in mine.values()
                                 if s.status == SignupStatus.waitlisted])
    return {application.id: [
        Offer(item, training, max(item.capacity - taken.get(item.id, 0), 0),
              mine.get(item.id), numbers.get(getattr(mine.get(item.id), "id", None)))
        for training in trainings.get(application.programme_id, [])
        for item in by_training.get(training.id, [])] for application in applications}


def _waitlist_numbers(signup_ids: list[int]) -> dict[int, int]:
    """signups.waitlist_number of each, in one query (none when nobody waits)."""
    if not signup_ids:
        return {}
    ahead = aliased(Signup)
    return dict(db.session.execute(
        select(Signup.id, func.count(ahead.id)).join(ahead, and_(
            ahead.occurrence_id == Signup.occurrence_id, ahead.role_id == Signup.role_id,
            ahead.status == SignupStatus.waitlisted,
            or_(ahead.since < Signup.since,
                and_(ahead.since == Signup.since, ahead.id <= Signup.id))))
        .where(Signup.id.in_(signup_ids)).group_by(Signup.id)).all())
