"""Applying to a programme and moving through screening. Each operation commits once."""

from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from passerelle.accounts.models import User
from passerelle.accounts.services import require_confirmed_email
from passerelle.core.errors import DomainError
from passerelle.core.paging import Page, page_number
from passerelle.core.time import as_utc, day_in_brussels
from passerelle.extensions import db
from passerelle.needs.models import Need
from passerelle.organisations.models import Programme
from passerelle.programmes import defaults, messages, standings
from passerelle.programmes.eligibility import Finding, Gap, Standing, age_on, gaps
from passerelle.programmes.models import (
    DETENTION_CENTRES,
    Accreditation,
    Application,
    ApplicationStatus,
    ApplicationStep,
    Charter,
    CharterSignature,
    Requirements,
    Training,
    TrainingRecord,
)
from passerelle.scheduling.models import Event, Occurrence, Signup, SignupStatus
from passerelle.volunteers.models import SpokenLanguage, VolunteerProfile

S = ApplicationStatus
CLOSED = (S.refused, S.withdrawn, S.suspended)
NOT_OPEN = _l("This application is closed.")


# Reading ------------------------------------------------------------------------------

def requirements_of(programme: Programme) -> Requirements:
    found = db.session.scalar(select(Requirements).where(
        Requirements.programme_id == programme.id))
    return found or Requirements(programme_id=programme.id, accreditation_places=[],
                                 good_conduct=False)


def current_charter(programme: Programme) -> Charter | None:
    return db.session.scalar(select(Charter).where(Charter.programme_id == programme.id)
                             .order_by(Charter.version.desc()).limit(1))


def trainings_of(programme: Programme) -> list[Training]:
    return list(db.session.scalars(select(Training).where(
        Training.programme_id == programme.id).order_by(Training.id)))


def application_of(user: User, programme: Programme) -> Application | None:
    return db.session.scalar(select(Application).where(
        Application.user_id == user.id, Application.programme_id == programme.id))


def applications_of(user: User) -> list[Application]:
    """With their steps, programmes and organisations, for a page that lists them."""
    return list(db.session.scalars(select(Application).where(Application.user_id == user.id)
                                   .options(selectinload(Application.steps),
                                            joinedload(Application.programme)
                                            .joinedload(Programme.organisation))
                                   .order_by(Application.created_at.desc())))


QUEUE_PAGE_SIZE = 50
QUEUE_SORTS = ("applied", "updated", "name")


@dataclass
class QueuePage(Page):
    """A page of applications (`items`, with their volunteers), and what the queue shows
    of the volunteers' profiles, by user id."""

    profiles: dict[int, "QueueProfile"] = field(default_factory=dict)


@dataclass
class QueueProfile:
    place_refnis: str | None
    languages: list[str]  # codes, in the order the volunteer gave them


def queue(programme: Programme, status: str | None = None, search: str = "",
          sort: str = "applied", page: int = 1,
          per_page: int = QUEUE_PAGE_SIZE) -> QueuePage:
    """One page of a programme's applications, filtered, searched by name and sorted in
    SQL: three queries whatever the page holds (count, page, profiles with languages).
    The page's ids are chosen first, from narrow rows: sorting hundreds of whole
    applications and accounts to keep fifty took most of the page's time."""
    sort = sort if sort in QUEUE_SORTS else "applied"
    chosen = select(Application.id).where(Application.programme_id == programme.id)
    if status:
        chosen = chosen.where(Application.status == status)
    words = search.strip().lower()
    if words or sort == "name":
        chosen = chosen.join(User, User.id == Application.user_id)
    if words:
        chosen = chosen.where(func.lower(User.name).contains(words, autoescape=True))
    total = db.session.scalar(chosen.with_only_columns(func.count())) or 0
    page = page_number(page, total, per_page)
    order = {"applied": (Application.created_at, Application.id),
             "updated": (Application.updated_at.desc(), Application.id.desc()),
             "name": (func.lower(User.name), Application.id)}[sort]
    chosen = chosen.order_by(*order).offset((page - 1) * per_page).limit(per_page)
    applications = list(db.session.scalars(
        select(Application).join(User, User.id == Application.user_id)
        .where(Application.id.in_(chosen)).options(contains_eager(Application.user))
        .order_by(*order)))
    # Plain rows rather than profiles and languages as objects: a third of the page's time.
    profiles: dict[int, QueueProfile] = {}
    for user_id, place, code in db.session.execute(
            select(VolunteerProfile.user_id, VolunteerProfile.place_refnis, SpokenLanguage.code)
            .outerjoin(SpokenLanguage, SpokenLanguage.profile_id == VolunteerProfile.id)
            .where(VolunteerProfile.user_id.in_([a.user_id for a in applications]))
            .order_by(VolunteerProfile.user_id, SpokenLanguage.id)) if applications else ():
        profile = profiles.setdefault(user_id, QueueProfile(place, []))
        if code:
            profile.languages.append(code)
    return QueuePage(applications, total, page, per_page, profiles=profiles)


def next_in_queue(application: Application) -> Application | None:
    """The next open application of the programme, in the queue's order (applied-on)."""
    return db.session.scalar(select(Application).where(
        Application.programme_id == application.programme_id,
        Application.status.not_in(CLOSED),
        or_(Application.created_at > application.created_at,
            and_(Application.created_at == application.created_at,
                 Application.id > application.id)))
        .order_by(Application.created_at, Application.id).limit(1))


def status_counts(programme: Programme) -> dict[ApplicationStatus, int]:
    rows = db.session.execute(select(Application.status, func.count()).where(
        Application.programme_id == programme.id).group_by(Application.status)).all()
    counts = dict.fromkeys(ApplicationStatus, 0)
    counts.update(dict(rows))
    return counts


def standing(application: Application, today: date) -> Standing:
    trainings = trainings_by_programme([application.programme_id])
    return standings.standings_of([application], trainings, today)[application.id]


def findings(application: Application, today: date) -> list[Finding]:
    return gaps(standing(application, today))


def trainings_by_programme(programme_ids: list[int]) -> dict[int, list[Training]]:
    found: dict[int, list[Training]] = {}
    for training in db.session.scalars(select(Training).where(
            Training.programme_id.in_(programme_ids)).order_by(Training.id)):
        found.setdefault(training.programme_id, []).append(training)
    return found


# Volunteer's side -----------------------------------------------------------------------

def apply(user: User, programme: Programme, motivation: str, now: datetime,
          need_id: int | None = None) -> Application:
    """`need_id`: the need whose "I can help" brought the volunteer; kept only if it is one
    of this programme's."""
    require_confirmed_email(user)
    if application_of(user, programme) is not None:
        raise DomainError(_l("You have already applied to this programme."))
    minimum = requirements_of(programme).minimum_age
    birth_date = _birth_date(user)
    if minimum and birth_date and age_on(birth_date, day_in_brussels(now)) < minimum:
        raise DomainError(_l("This programme is open from the age of %(age)d.", age=minimum))
    need = db.session.get(Need, need_id) if need_id else None
    application = Application(user=user, programme=programme, status=S.submitted,
                              motivation=motivation.strip(), created_at=now, updated_at=now,
                              need=need if need and need.programme_id == programme.id else None)
    db.session.add(application)
    _step(application, S.submitted, user, now)
    db.session.flush()  # messages name the application by its id
    messages.application_arrived(application, now)
    _tell_if_charter_waits(application, now)
    db.session.commit()
    return application


def sign_charter(user: User, application: Application, version: int, now: datetime) -> None:
    """The volunteer signs the charter version shown to them, which must be the current one."""
    _check_open(application)
    charter = current_charter(application.programme)
    if charter is None:
        raise DomainError(_l("This programme has no charter to sign."))
    if version != charter.version:
        raise DomainError(_l("The charter has changed since you opened it. Read the new "
                             "version and sign again."))
    was = application.status
    _record_signature(user, charter, user, now)
    _advance(application, user, now, S.charter_signed)
    messages.became_active(application, was, now)
    db.session.commit()


def withdraw(user: User, application: Application, reason: str, now: datetime) -> None:
    if application.user_id != user.id:
        raise DomainError(NOT_OPEN)
    if application.status == S.withdrawn:
        raise DomainError(_l("You have already withdrawn."))
    _set_status(application, S.withdrawn, user, now, reason)
    _close(application, now)
    db.session.commit()


# Coordinator's side ---------------------------------------------------------------------

def plan_interview(coordinator: User, application: Application, moment: datetime,
                   now: datetime) -> None:
    _check_open(application)
    previous, application.interview_at = application.interview_at, moment
    _set_status(application, S.interview_planned, coordinator, now)
    messages.interview_planned(application, previous, now)
    db.session.commit()


INTERVIEW_NOT_HELD = _l("The interview is planned for later: record that the volunteer "
                        "passed once it has taken place.")


def record_screening(coordinator: User, application: Application, passed: bool, note: str,
                     now: datetime) -> None:
    """"Passed" only once the planned interview time has come; "not retained" at any time."""
    _check_open(application)
    if passed and application.interview_at is not None and as_utc(
            application.interview_at) > now:
        raise DomainError(INTERVIEW_NOT_HELD, field="outcome")
    application.screening_note = note.strip()
    was = application.status
    if not passed:
        _set_status(application, S.refused, coordinator, now, note)
        _close(application, now)
    else:
        _advance(application, coordinator, now, S.screened)
    messages.screening_recorded(application, passed, now)
    if passed:
        _tell_if_charter_waits(application, now)
        messages.became_active(application, was, now)
    db.session.commit()


def record_charter_on_paper(coordinator: User, application: Application,
                            now: datetime) -> None:
    """The volunteer signed the current charter on paper; the coordinator records it."""
    _check_open(application)
    charter = current_charter(application.programme)
    if charter is None:
        raise DomainError(_l("This programme has no charter to sign."))
    was = application.status
    _record_signature(application.user, charter, coordinator, now)
    _advance(application, coordinator, now, S.charter_signed)
    messages.step_done(application, f"charter-v{charter.version}", now, charter=charter)
    messages.became_active(application, was, now)
    db.session.commit()


def record_training(coordinator: User, application: Application, training: Training,
                    completed_on: date, now: datetime) -> None:
    _check_open(application)
    if training.programme_id != application.programme_id:
        raise DomainError(_l("Choose a training of this programme."), field="training")
    if completed_on > day_in_brussels(now):
        raise DomainError(_l("A training cannot be done in the future."), field="completed_on")
    record = db.session.scalar(select(TrainingRecord).where(
        TrainingRecord.user_id == application.user_id, TrainingRecord.training_id == training.id))
    record = record or TrainingRecord(user_id=application.user_id, training=training)
    record.completed_on = completed_on
    record.expires_on = _expiry(completed_on, training.valid_months)
    record.recorded_by_id = coordinator.id
    db.session.add(record)
    was = application.status
    _advance(application, coordinator, now, S.trained)
    messages.step_done(application, f"training-{training.id}-{completed_on.isoformat()}",
                       now, training=training)
    messages.became_active(application, was, now)
    db.session.commit()


def grant_accreditation(coordinator: User, application: Application, place: str,
                        granted_on: date, expires_on: date | None, now: datetime) -> None:
    _check_open(application)
    if place not in DETENTION_CENTRES:
        raise DomainError(_l("Choose a detention centre from the list."), field="place")
    if expires_on is not None and expires_on <= granted_on:
        raise DomainError(_l("The accreditation must end after it starts."), field="expires_on")
    record = db.session.scalar(select(Accreditation).where(
        Accreditation.user_id == application.user_id,
        Accreditation.programme_id == application.programme_id, Accreditation.place == place))
    record = record or Accreditation(user_id=application.user_id,
                                     programme_id=application.programme_id, place=place)
    record.granted_on, record.expires_on = granted_on, expires_on
    record.granted_by_id = coordinator.id
    db.session.add(record)
    was = application.status
    _advance(application, coordinator, now, S.accredited)
    messages.step_done(application, f"accreditation-{place}-{granted_on.isoformat()}",
                       now, place=DETENTION_CENTRES[place])
    messages.became_active(application, was, now)
    db.session.commit()


def record_conduct(coordinator: User, application: Application, issued_on: date,
                   expires_on: date | None, now: datetime) -> None:
    """A coordinator saw the volunteer's certificate of good conduct (extract of the
    criminal record, model 2): only its dates are kept, with who saw it and when; the
    document itself never reaches the platform. Without `expires_on` it counts for 12
    months from its issue (eligibility.CONDUCT_VALID_MONTHS)."""
    _check_open(application)
    if issued_on > day_in_brussels(now):
        raise DomainError(_l("A certificate cannot be issued in the future."),
                          field="issued_on")
    if expires_on is not None and expires_on <= issued_on:
        raise DomainError(_l("The certificate must be valid until a day after its issue."),
                          field="expires_on")
    application.conduct_issued_on, application.conduct_expires_on = issued_on, expires_on
    application.conduct_seen_by_id, application.conduct_seen_at = coordinator.id, now
    was = application.status
    _advance(application, coordinator, now, S.conduct_seen)
    messages.step_done(application, f"conduct-{issued_on.isoformat()}", now, conduct=True)
    messages.became_active(application, was, now)
    db.session.commit()


def suspend(coordinator: User, application: Application, reason: str, now: datetime) -> None:
    if application.status in CLOSED:
        raise DomainError(NOT_OPEN)
    if not reason.strip():
        raise DomainError(_l("Give the reason for the suspension."), field="reason")
    _set_status(application, S.suspended, coordinator, now, reason)
    messages.suspended(application, now)
    db.session.commit()


def reinstate(coordinator: User, application: Application, now: datetime) -> None:
    if application.status != S.suspended:
        raise DomainError(_l("Only a suspended application can be reinstated."))
    _advance(application, coordinator, now,
             S.screened if _passed_screening(application) else S.submitted)
    messages.reinstated(application, now)
    messages.became_active(application, S.suspended, now)
    db.session.commit()


def refresh_status(application: Application, now: datetime) -> ApplicationStatus:
    """Active becomes inactive when a charter or training expires, and back once renewed.
    Writes nothing when the status stays as it is."""
    if application.status in CLOSED:
        return application.status
    ready = not findings(application, day_in_brussels(now))
    if ready and application.status != S.active:
        was = application.status
        _set_status(application, S.active, None, now)
        messages.became_active(application, was, now)
    elif not ready and application.status == S.active:
        _set_status(application, _last_step_before_active(application), None, now)
    else:
        return application.status
    db.session.commit()
    return application.status


# Inside ---------------------------------------------------------------------------------

def _check_open(application: Application) -> None:
    if application.status in CLOSED:
        raise DomainError(NOT_OPEN)


CHARTER_GAPS = {Gap.charter_missing, Gap.charter_outdated, Gap.charter_expired}


def _tell_if_charter_waits(application: Application, now: datetime) -> None:
    """The charter is the volunteer's to sign now: no interview ahead of it, and the
    current version not signed (or outdated, or expired)."""
    found = {finding.gap for finding in findings(application, day_in_brussels(now))}
    if Gap.interview not in found and found & CHARTER_GAPS:
        messages.charter_waiting(application, current_charter(application.programme),
                                 Gap.charter_outdated in found, now)


def charter_asked(programme: Programme) -> bool:
    """The programme asks for its charter: by its requirements, or by the platform's
    default for its kind (sponsorship: before any contact)."""
    return requirements_of(programme).charter or defaults.value_of(
        programme.kind, programme.platform_settings, "charter_before_contact")


def _close(application: Application, now: datetime) -> None:
    """Withdrawn or not retained: nothing more is sent about it, and the volunteer's places
    in the programme's sessions to come are given up (with their reminders), each to the
    first on its waitlist."""
    from passerelle.scheduling import signups  # it reads applications from here

    messages.application_closed(application)
    signups.given_up(list(db.session.scalars(select(Signup).join(Occurrence).join(Event).where(
        Signup.user_id == application.user_id, Signup.status != SignupStatus.cancelled,
        Event.programme_id == application.programme_id, Occurrence.starts_at > now))), now)


def _last_step_before_active(application: Application) -> ApplicationStatus:
    reached = [step.status for step in application.steps if step.status not in (S.active,)]
    return reached[-1] if reached else S.submitted


def _birth_date(user: User) -> date | None:
    return db.session.scalar(select(VolunteerProfile.birth_date).where(
        VolunteerProfile.user_id == user.id))


def has_passed_screening(application: Application) -> bool:
    return _passed_screening(application)


def _passed_screening(application: Application) -> bool:
    return any(step.status == S.screened for step in application.steps)


def _advance(application, actor, now, reached: ApplicationStatus) -> None:
    """Record the step reached, then active once nothing is missing (inactive if it was)."""
    if reached != application.status:
        _set_status(application, reached, actor, now)
    if not findings(application, day_in_brussels(now)) and application.status != S.active:
        _set_status(application, S.active, actor, now)


def _set_status(application, status, actor, now, reason: str = "") -> None:
    application.status, application.updated_at = status, now
    _step(application, status, actor, now, reason)


def _step(application, status, actor, at, reason: str = "") -> None:
    application.steps.append(ApplicationStep(status=status, actor=actor, at=at,
                                             reason=reason.strip()))


def _record_signature(user: User, charter: Charter, recorder: User, now: datetime) -> None:
    signature = db.session.scalar(select(CharterSignature).where(
        CharterSignature.user_id == user.id, CharterSignature.charter_id == charter.id))
    signature = signature or CharterSignature(user_id=user.id, charter=charter)
    signature.signed_at = now
    signature.expires_on = _expiry(day_in_brussels(now), charter.valid_months)
    signature.recorded_by_id = recorder.id
    db.session.add(signature)
    db.session.flush()


def _expiry(start: date, months: int | None) -> date | None:
    return start + relativedelta(months=months) if months else None


# A person's own records, for their data export and erasure (see privacy.services).

def records_of(user: User) -> dict[str, list]:
    """Charters signed, trainings done and accreditations of a person (their sign-ups are
    scheduling.signups.signups_of)."""
    def of(model):
        return list(db.session.scalars(select(model).where(model.user_id == user.id)
                                       .order_by(model.id)))
    return {"charter_signatures": of(CharterSignature), "training_records": of(TrainingRecord),
            "accreditations": of(Accreditation)}


def forget_applicant(user: User, now: datetime) -> None:
    """Erase what the person wrote, and what was written about them, in their applications;
    the rows stay, anonymous, so that each programme's counts hold. Open applications end
    as withdrawn; sign-ups to sessions still to come are cancelled. Does not commit."""
    for application in applications_of(user):
        if application.status not in CLOSED:
            application.status, application.updated_at = S.withdrawn, now
            _step(application, S.withdrawn, None, now)
        application.motivation, application.screening_note = "", ""
        application.interview_at = None
        # The certificate's dates are about the person: they go with the rest.
        application.conduct_issued_on = application.conduct_expires_on = None
        application.conduct_seen_by_id = application.conduct_seen_at = None
        for step in application.steps:
            step.reason = ""
        messages.application_closed(application)
    from passerelle.scheduling import signups  # it reads applications from here

    signups.given_up(list(db.session.scalars(select(Signup).join(Occurrence).where(
        Signup.user_id == user.id, Signup.status != SignupStatus.cancelled,
        Occurrence.starts_at > now))), now)
