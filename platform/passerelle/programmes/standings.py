"""Standings (eligibility.Standing): what each programme asks and what each volunteer has,
for the applications of one or many volunteers at once, in a fixed number of queries
(a volunteer's pages, the review page, the daily jobs)."""

from datetime import date

from sqlalchemy import select

from passerelle.extensions import db
from passerelle.programmes import defaults
from passerelle.programmes.eligibility import Standing
from passerelle.programmes.models import (
    Accreditation,
    Application,
    ApplicationStatus,
    Charter,
    CharterSignature,
    Requirements,
    Training,
    TrainingRecord,
)
from passerelle.volunteers.models import VolunteerProfile


def standings_of(applications: list[Application], trainings: dict[int, list[Training]],
                 today: date) -> dict[int, Standing]:
    """By application id. `trainings` are the programmes' trainings, from
    services.trainings_by_programme; a batch loads the applications' programmes and steps
    with them."""
    if not applications:
        return {}
    pids = {a.programme_id for a in applications}
    uids = {a.user_id for a in applications}
    rules = {r.programme_id: r for r in db.session.scalars(
        select(Requirements).where(Requirements.programme_id.in_(pids)))}
    # Ordered by version, so that the dictionaries keep each programme's latest.
    charters = {c.programme_id: c for c in db.session.scalars(
        select(Charter).where(Charter.programme_id.in_(pids)).order_by(Charter.version))}
    signatures = {(s.user_id, c.programme_id): (c.version, s.expires_on)
                  for s, c in db.session.execute(
                      select(CharterSignature, Charter).join(Charter).where(
                          CharterSignature.user_id.in_(uids), Charter.programme_id.in_(pids))
                      .order_by(Charter.version))}
    done = {(r.user_id, r.training_id): r.expires_on for r in db.session.scalars(
        select(TrainingRecord).where(TrainingRecord.user_id.in_(uids)))}
    granted = {(a.user_id, a.programme_id, a.place): a.expires_on for a in db.session.scalars(
        select(Accreditation).where(Accreditation.user_id.in_(uids),
                                    Accreditation.programme_id.in_(pids)))}
    births = dict(db.session.execute(select(VolunteerProfile.user_id, VolunteerProfile.birth_date)
                                     .where(VolunteerProfile.user_id.in_(uids))).all())
    found = {}
    for application in applications:
        pid, uid, programme = application.programme_id, application.user_id, application.programme
        rule = rules.get(pid) or Requirements(programme_id=pid, accreditation_places=[])
        # The platform's default for sponsorship asks for the charter once one is published.
        charter = charters.get(pid) if rule.charter or defaults.value_of(
            programme.kind, programme.platform_settings, "charter_before_contact") else None
        signed = signatures.get((uid, pid)) if charter else None
        found[application.id] = Standing(
            today=today, interview_required=rule.interview,
            interview_passed=any(step.status == ApplicationStatus.screened
                                 for step in application.steps),
            charter_version=charter.version if charter else None,
            signed_version=signed[0] if signed else None,
            signature_expires_on=signed[1] if signed else None,
            # Keyed by id: the name is put in the reader's language when explained.
            trainings={str(t.id): done.get((uid, t.id), False) for t in trainings.get(pid, [])},
            places={place: granted.get((uid, pid, place), False)
                    for place in rule.accreditation_places or []},
            minimum_age=rule.minimum_age, birth_date=births.get(uid),
            conduct_required=bool(rule.good_conduct),
            conduct_issued_on=application.conduct_issued_on,
            conduct_expires_on=application.conduct_expires_on)
    return found
