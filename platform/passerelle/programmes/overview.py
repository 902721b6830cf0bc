"""What the homes show about programmes: read-only queries, a fixed number each.

`organisation_ids` is a select of organisation ids from core.access (the organisations a
person coordinates); these functions never decide who sees what themselves.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from passerelle.extensions import db
from passerelle.organisations.models import Organisation, Programme
from passerelle.programmes.models import (
    Application,
    ApplicationStatus,
    Charter,
    CharterSignature,
    Training,
    TrainingRecord,
)

S = ApplicationStatus
WAITING = (S.submitted, S.interview_planned, S.screened, S.charter_signed, S.trained,
           S.accredited, S.conduct_seen)
OPEN = (*WAITING, S.active)
SOON_DAYS = 30
LIST_LIMIT = 20


@dataclass(frozen=True)
class Expiring:
    application: Application
    what: str  # "charter" or "training"
    expires_on: date
    training: Training | None = None


def _of_programmes(organisation_ids):
    return select(Programme.id).join(Organisation).where(
        Programme.organisation_id.in_(organisation_ids), Programme.is_listed,
        Organisation.is_listed)


def waiting_by_step(organisation_ids) -> dict[ApplicationStatus, int]:
    """Applications waiting at each step before active, in the programmes coordinated."""
    rows = dict(db.session.execute(select(Application.status, func.count()).where(
        Application.programme_id.in_(_of_programmes(organisation_ids)),
        Application.status.in_(WAITING)).group_by(Application.status)).all())
    return {status: rows.get(status, 0) for status in WAITING}


def interviews_coming(organisation_ids, now: datetime) -> list[Application]:
    return list(db.session.scalars(select(Application).where(
        Application.programme_id.in_(_of_programmes(organisation_ids)),
        Application.status == S.interview_planned, Application.interview_at >= now)
        .options(joinedload(Application.user), joinedload(Application.programme))
        .order_by(Application.interview_at, Application.id).limit(LIST_LIMIT)))


def expiring_soon(organisation_ids, today: date) -> list[Expiring]:
    """Charter signatures and trainings of volunteers in open applications that expire in
    the next 30 days (today included), soonest first."""
    until = today + timedelta(days=SOON_DAYS)
    programmes = _of_programmes(organisation_ids)
    options = (joinedload(Application.user), joinedload(Application.programme))
    charters = db.session.execute(select(Application, CharterSignature.expires_on).join(
        CharterSignature, CharterSignature.user_id == Application.user_id).join(
        Charter, and_(Charter.id == CharterSignature.charter_id,
                      Charter.programme_id == Application.programme_id)).where(
        Application.programme_id.in_(programmes), Application.status.in_(OPEN),
        CharterSignature.expires_on.between(today, until)).options(*options)
        .order_by(CharterSignature.expires_on).limit(LIST_LIMIT)).all()
    trainings = db.session.execute(select(Application, TrainingRecord.expires_on, Training).join(
        TrainingRecord, TrainingRecord.user_id == Application.user_id).join(
        Training, and_(Training.id == TrainingRecord.training_id,
                       Training.programme_id == Application.programme_id)).where(
        Application.programme_id.in_(programmes), Application.status.in_(OPEN),
        TrainingRecord.expires_on.between(today, until)).options(*options)
        .order_by(TrainingRecord.expires_on).limit(LIST_LIMIT)).all()
    found = [Expiring(application, "charter", on) for application, on in charters]
    found += [Expiring(application, "training", on, training)
              for application, on, training in trainings]
    return sorted(found, key=lambda item: (item.expires_on, item.application.id))[:LIST_LIMIT]


def coordinated_programme_count(organisation_ids) -> int:
    return db.session.scalar(select(func.count()).select_from(
        _of_programmes(organisation_ids).subquery())) or 0
