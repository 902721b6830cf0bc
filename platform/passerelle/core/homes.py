"""What each part of a signed-in person's home shows. Read-only: each part runs a fixed
number of queries however much data there is; access decisions come from core.access."""

from dataclasses import dataclass
from datetime import date, datetime

from passerelle.core import access
from passerelle.core.time import as_utc
from passerelle.matching import queries as matching_queries
from passerelle.needs import overview as needs_overview
from passerelle.programmes import overview, services, sessions
from passerelle.programmes.eligibility import gaps
from passerelle.programmes.fitting import programmes_that_fit
from passerelle.programmes.reasons import describe_step, explain, localized_training_names
from passerelle.programmes.standings import standings_of
from passerelle.programmes.steps import Step, next_step
from passerelle.volunteers import services as volunteers

FITTING_SHOWN = 6


@dataclass(frozen=True)
class ApplicationRow:
    application: object
    step: Step
    step_text: str
    to_do: list[str]  # what the volunteer still lacks, as sentences
    offers: list  # programmes.sessions.Offer
    charter_to_sign: bool


@dataclass(frozen=True)
class VolunteerPart:
    rows: list[ApplicationRow]
    profile_percent: int
    profile_missing: list[str]  # keys of volunteers.views.SECTION_NAMES
    fitting: list  # programmes
    more_fitting: bool
    answers_waiting: list  # matching.models.Match approved, waiting for their answer


def volunteer_part(user, now: datetime, today: date, locale: str) -> VolunteerPart:
    applications = services.applications_of(user)
    trainings = services.trainings_by_programme([a.programme_id for a in applications])
    standings = standings_of(applications, trainings, today)
    offers = sessions.offers_for(user, applications, trainings, now)
    names = localized_training_names(trainings, locale)
    rows = []
    for application in applications:
        found = gaps(standings[application.id])
        starts: dict[str, list[datetime]] = {}
        for offer in offers[application.id]:
            starts.setdefault(str(offer.training.id), []).append(as_utc(offer.session.starts_at))
        interview_at = as_utc(application.interview_at) if application.interview_at else None
        step = next_step(application.status, interview_at, found, starts, now)
        rows.append(ApplicationRow(
            application, step, describe_step(step, names),
            [explain(finding, names) for finding in found], offers[application.id],
            any(f.gap.value.startswith("charter") for f in found)))
    profile = volunteers.profile_of(user)
    percent, missing = volunteers.completeness(profile)
    fitting = programmes_that_fit(user, hosting=False)
    return VolunteerPart(rows, percent, missing, fitting[:FITTING_SHOWN],
                         len(fitting) > FITTING_SHOWN, matching_queries.answers_waiting(user))


@dataclass(frozen=True)
class StaffRow:
    organisation: object
    role: object
    counts: needs_overview.StaffCounts


def staff_part(user, memberships) -> list[StaffRow]:
    counts = needs_overview.counts_by_organisation(access.own_organisation_ids(user))
    return [StaffRow(m.organisation, m.role,
                     counts.get(m.organisation_id, needs_overview.StaffCounts()))
            for m in memberships]


@dataclass(frozen=True)
class CoordinatorPart:
    programmes: int
    waiting: dict
    interviews: list
    expiring: list
    proposals: list  # (programme, proposals waiting for a coordinator)


def coordinator_part(user, now: datetime, today: date) -> CoordinatorPart:
    ids = access.coordinated_organisation_ids(user)
    return CoordinatorPart(overview.coordinated_programme_count(ids),
                           overview.waiting_by_step(ids), overview.interviews_coming(ids, now),
                           overview.expiring_soon(ids, today),
                           matching_queries.proposals_waiting(ids))
