"""Coordinators set up their programmes: texts, requirements, settings, charter, trainings."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from passerelle.core.errors import DomainError
from passerelle.extensions import db
from passerelle.organisations.models import Organisation, Programme
from passerelle.programmes import defaults, messages
from passerelle.programmes.models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    Charter,
    Requirements,
    Training,
)
from passerelle.programmes.services import (
    CLOSED,
    charter_asked,
    current_charter,
    requirements_of,
)

TEXT_FIELDS = tuple(f"{field}_{code}" for field in ("name", "description")
                    for code in ("fr", "nl", "en"))


@dataclass
class ProgrammeData:
    kind: str
    texts: dict[str, str]  # name_fr ... description_en
    cities: list[str]  # municipality codes, or the names of places abroad
    interview: bool
    charter: bool
    minimum_age: int | None
    accreditation_places: list[str]
    settings: dict[str, int | None]  # kind-specific facts a coordinator sets
    audiences: list[str] | None = None  # keys of AUDIENCES; None: unchanged
    # The platform's defaults as the coordinator sets them (programmes/defaults.py).
    platform_settings: dict[str, bool] = field(default_factory=dict)
    # A certificate of good conduct (extract of the criminal record, model 2) is asked.
    good_conduct: bool = False


def create_programme(organisation: Organisation, slug: str, data: ProgrammeData,
                     now: datetime) -> Programme:
    if db.session.scalar(select(Programme.id).where(Programme.slug == slug)):
        raise DomainError(_l("A programme with this name exists already."), field="name_en")
    programme = Programme(slug=slug, organisation=organisation, cities=[], facts={},
                          kind=data.kind, edited_at=now, **data.texts)
    db.session.add(programme)
    db.session.flush()  # the requirements row needs the programme's id
    _apply(programme, data)
    db.session.commit()
    return programme


def update_programme(programme: Programme, data: ProgrammeData, now: datetime) -> None:
    _apply(programme, data)
    programme.edited_at = now
    db.session.commit()


def publish_charter(programme: Programme, bodies: dict[str, str],
                    valid_months: int | None, now: datetime) -> Charter:
    """A new version; everyone signs it again before the next contact."""
    latest = current_charter(programme)
    charter = Charter(programme_id=programme.id, version=(latest.version + 1) if latest else 1,
                      valid_months=valid_months, published_at=now, **bodies)
    db.session.add(charter)
    for application in _asked_to_sign(programme):
        messages.charter_waiting(application, charter, latest is not None, now)
    db.session.commit()
    return charter


def _asked_to_sign(programme: Programme) -> list[Application]:
    """The open applications whose volunteers the charter is asked of now: screened, or
    in a programme without interview. (Those still before their interview are asked once
    they pass it.)"""
    if not charter_asked(programme):
        return []
    query = select(Application).where(Application.programme_id == programme.id,
                                      Application.status.not_in(CLOSED))
    if requirements_of(programme).interview:
        query = query.where(Application.steps.any(
            ApplicationStep.status == ApplicationStatus.screened))
    return list(db.session.scalars(query.order_by(Application.id)))


def add_training(programme: Programme, names: dict[str, str],
                 valid_months: int | None) -> Training:
    training = Training(programme_id=programme.id, valid_months=valid_months, **names)
    db.session.add(training)
    db.session.commit()
    return training


def delete_programme(programme: Programme) -> None:
    """Refused while volunteers are active or in screening: they would lose their place."""
    engaged = db.session.scalar(select(func.count()).select_from(Application).where(
        Application.programme_id == programme.id, Application.status.not_in(CLOSED)))
    if engaged:
        raise DomainError(_l(
            "%(num)d volunteers are active or in screening in this programme. Suspend or "
            "close their applications first.", num=engaged))
    db.session.delete(programme)
    db.session.commit()


def _apply(programme: Programme, data: ProgrammeData) -> None:
    programme.kind, programme.cities = data.kind, data.cities
    for name in TEXT_FIELDS:
        setattr(programme, name, data.texts[name])
    facts = dict(programme.facts or {})
    for key, value in data.settings.items():
        if value:
            facts[key] = value
        else:
            facts.pop(key, None)
    programme.facts = facts
    if data.audiences is not None:
        programme.audiences = list(data.audiences)
    if data.platform_settings:
        programme.platform_settings = defaults.overrides(data.kind, data.platform_settings)
    rules = requirements_of(programme)
    rules.interview, rules.charter = data.interview, data.charter
    rules.minimum_age, rules.accreditation_places = data.minimum_age, data.accreditation_places
    rules.good_conduct = data.good_conduct
    db.session.add(rules)


# The first charter of a seeded programme: the organisation's own charter is on paper,
# known from the seed (the June 2016 booklet), so that is its date on the platform.
SEED_PUBLISHED_AT = datetime(2016, 6, 1, tzinfo=UTC)
PAPER_CHARTER = {
    "body_fr": "La charte de ce programme vous est remise et expliquée par l’organisation lors "
               "de votre rencontre. En signant ici, vous confirmez l’avoir reçue, lue et "
               "acceptée.",
    "body_nl": "Het charter van dit programma krijg je van de organisatie bij jullie "
               "kennismaking, met uitleg. Door hier te ondertekenen bevestig je dat je het "
               "ontvangen en gelezen hebt en ermee akkoord gaat.",
    "body_en": "The organisation gives you this programme's charter, and explains it, when "
               "you meet. By signing here you confirm that you have received, read and "
               "accepted it.",
}


def seed_requirements(programme: Programme, spec: dict) -> bool:
    """Requirements from the seed file, once: False when the programme has them already.

    Part of the seed's transaction (the seed commits)."""
    if db.session.scalar(select(Requirements.id).where(
            Requirements.programme_id == programme.id)):
        return False
    db.session.add(Requirements(
        programme_id=programme.id, interview=spec.get("interview", False),
        charter=spec.get("charter", False), minimum_age=spec.get("minimum_age"),
        accreditation_places=list(spec.get("accreditation_places", [])),
        good_conduct=spec.get("good_conduct", False)))
    if spec.get("charter") and current_charter(programme) is None:
        db.session.add(Charter(programme_id=programme.id, version=1,
                               published_at=SEED_PUBLISHED_AT,
                               **PAPER_CHARTER))
    for names in spec.get("trainings", []):
        db.session.add(Training(programme_id=programme.id, name_fr=names["fr"],
                                name_nl=names["nl"], name_en=names["en"]))
    return True
