"""Standings (eligibility.Standing) of many applications of many volunteers at once: a
fixed number of queries per batch, for the daily jobs. The rules are those of
services.standings_of (one volunteer's applications), over sets of volunteers."""

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


def standings_of_many(applications: list[Application],
                      trainings: dict[int, list[Training]], today: date) -> dict[int, Standing]:
    """By application id. The applications come with their programmes and steps loaded;
    `trainings` from services.trainings_by_programme."""
    if not applications:
        return {}
    pids = {a.programme_id for a in applications}
    uids = {a.user_id for a in applications}
    rules = {r.programme_id: r for r in db.session.scalars(
        select(Requirements).where(Requirements.programme_id.in_(pids)))}
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
            trainings={str(t.id): done.get((uid, t.id), False) for t in trainings.get(pid, [])},
            places={place: granted.get((uid, pid, place), False)
                    for place in rule.accreditation_places or []},
            minimum_age=rule.minimum_age, birth_date=births.get(uid))
    return found
