"""Training sessions: coordinators schedule them, volunteers sign up, attendance counts."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from passerelle.accounts.models import User
from passerelle.core.errors import DomainError
from passerelle.core.time import to_brussels
from passerelle.extensions import db
from passerelle.programmes import messages, services
from passerelle.programmes.models import (
    Training,
    TrainingRecord,
    TrainingSession,
    TrainingSignup,
)

FULL = _l("This session is full. Choose another one.")


def schedule(training: Training, starts_at: datetime, ends_at: datetime, place: str,
             capacity: int, now: datetime) -> TrainingSession:
    if ends_at <= starts_at:
        raise DomainError(_l("The session must end after it starts."), field="end")
    if starts_at <= now:
        raise DomainError(_l("Choose a moment in the future."), field="day")
    session = TrainingSession(training=training, starts_at=starts_at, ends_at=ends_at,
                              place=place.strip(), capacity=capacity)
    db.session.add(session)
    db.session.commit()
    return session


def upcoming(training: Training, now: datetime) -> list[TrainingSession]:
    return list(db.session.scalars(select(TrainingSession).where(
        TrainingSession.training_id == training.id, TrainingSession.starts_at > now)
        .order_by(TrainingSession.starts_at)))


def all_sessions(training: Training) -> list[TrainingSession]:
    return list(db.session.scalars(select(TrainingSession).where(
        TrainingSession.training_id == training.id).order_by(TrainingSession.starts_at.desc())))


@dataclass(frozen=True)
class Offer:
    """An upcoming session a volunteer may take, as their applications page shows it."""

    session: TrainingSession
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
    by_training: dict[int, list[TrainingSession]] = {}
    for session in db.session.scalars(select(TrainingSession).where(
            TrainingSession.training_id.in_(wanted), TrainingSession.starts_at > now)
            .order_by(TrainingSession.starts_at)):
        by_training.setdefault(session.training_id, []).append(session)
    ids = [session.id for group in by_training.values() for session in group]
    taken = dict(db.session.execute(select(TrainingSignup.session_id, func.count()).where(
        TrainingSignup.session_id.in_(ids)).group_by(TrainingSignup.session_id)).all())
    mine = set(db.session.scalars(select(TrainingSignup.session_id).where(
        TrainingSignup.user_id == user.id, TrainingSignup.session_id.in_(ids))))
    return {application.id: [
        Offer(session, training, max(session.capacity - taken.get(session.id, 0), 0),
              session.id in mine)
        for training in trainings.get(application.programme_id, [])
        for session in by_training.get(training.id, [])] for application in applications}


def places_left(session: TrainingSession) -> int:
    taken = db.session.scalar(select(func.count()).select_from(TrainingSignup).where(
        TrainingSignup.session_id == session.id)) or 0
    return max(session.capacity - taken, 0)


def is_signed_up(user: User, session: TrainingSession) -> bool:
    return db.session.scalar(select(TrainingSignup.id).where(
        TrainingSignup.session_id == session.id, TrainingSignup.user_id == user.id)) is not None


def sign_up(user: User, session: TrainingSession, now: datetime) -> TrainingSignup:
    if session.starts_at <= now:
        raise DomainError(_l("This session has already started."))
    if is_signed_up(user, session):
        raise DomainError(_l("You are already signed up for this session."))
    application = services.application_of(user, session.training.programme)
    if application is None:
        raise DomainError(_l("Apply to the programme first."))
    if application.status in services.CLOSED:
        raise DomainError(services.NOT_OPEN)
    # Lock the session row so that two last-minute sign-ups cannot both take the last place.
    db.session.scalar(select(TrainingSession.id).where(TrainingSession.id == session.id)
                      .with_for_update())
    if places_left(session) == 0:
        raise DomainError(FULL)
    signup = TrainingSignup(session_id=session.id, user_id=user.id, signed_up_at=now)
    db.session.add(signup)
    messages.signed_up(user, session, now)
    db.session.commit()
    return signup


def mark_attended(coordinator: User, signup: TrainingSignup, now: datetime) -> None:
    """Attending counts as the training done, on the session's day, for the programme."""
    session = db.session.get(TrainingSession, signup.session_id)
    if session.starts_at > now:
        raise DomainError(_l("Attendance can be recorded once the session has started."))
    application = services.application_of(signup.user, session.training.programme)
    day = to_brussels(session.starts_at).date()
    signup.attended = True
    try:
        services.record_training(coordinator, application, session.training, day, now)
    except DomainError:
        db.session.rollback()
        raise
