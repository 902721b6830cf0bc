"""Training sessions: coordinators schedule them, volunteers sign up, attendance counts."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from passerelle.accounts.models import User
from passerelle.core.errors import DomainError
from passerelle.core.time import to_brussels, utcnow
from passerelle.extensions import db
from passerelle.programmes import services
from passerelle.programmes.models import (
    Training,
    TrainingRecord,
    TrainingSession,
    TrainingSignup,
)

FULL = _l("This session is full. Choose another one.")


def schedule(training: Training, starts_at: datetime, ends_at: datetime, place: str,
             capacity: int) -> TrainingSession:
    if ends_at <= starts_at:
        raise DomainError(_l("The session must end after it starts."), field="end")
    if starts_at <= utcnow():
        raise DomainError(_l("Choose a moment in the future."), field="day")
    session = TrainingSession(training=training, starts_at=starts_at, ends_at=ends_at,
                              place=place.strip(), capacity=capacity)
    db.session.add(session)
    db.session.commit()
    return session


def upcoming(training: Training) -> list[TrainingSession]:
    return list(db.session.scalars(select(TrainingSession).where(
        TrainingSession.training_id == training.id, TrainingSession.starts_at > utcnow())
        .order_by(TrainingSession.starts_at)))


def all_sessions(training: Training) -> list[TrainingSession]:
    return list(db.session.scalars(select(TrainingSession).where(
        TrainingSession.training_id == training.id).order_by(TrainingSession.starts_at.desc())))


def open_sessions_for(user: User, application) -> list[TrainingSession]:
    """Upcoming sessions of the programme's trainings that this volunteer has not done."""
    done = {training_id for (training_id,) in db.session.execute(
        select(TrainingRecord.training_id).where(TrainingRecord.user_id == user.id))}
    return [session for training in services.trainings_of(application.programme)
            if training.id not in done for session in upcoming(training)]


def places_left(session: TrainingSession) -> int:
    taken = db.session.scalar(select(func.count()).select_from(TrainingSignup).where(
        TrainingSignup.session_id == session.id)) or 0
    return max(session.capacity - taken, 0)


def is_signed_up(user: User, session: TrainingSession) -> bool:
    return db.session.scalar(select(TrainingSignup.id).where(
        TrainingSignup.session_id == session.id, TrainingSignup.user_id == user.id)) is not None


def sign_up(user: User, session: TrainingSession) -> TrainingSignup:
    if session.starts_at <= utcnow():
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
    signup = TrainingSignup(session_id=session.id, user_id=user.id, signed_up_at=utcnow())
    db.session.add(signup)
    db.session.commit()
    return signup


def mark_attended(coordinator: User, signup: TrainingSignup) -> None:
    """Attending counts as the training done, on the session's day, for the programme."""
    session = db.session.get(TrainingSession, signup.session_id)
    if session.starts_at > utcnow():
        raise DomainError(_l("Attendance can be recorded once the session has started."))
    application = services.application_of(signup.user, session.training.programme)
    day = to_brussels(session.starts_at).date()
    signup.attended = True
    try:
        services.record_training(coordinator, application, session.training, day, day)
    except DomainError:
        db.session.rollback()
        raise
