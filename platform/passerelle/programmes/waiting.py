"""What waits for the coordinators of each organisation's programmes: a read-only count,
for the daily digest (reminders.digest_job)."""

from sqlalchemy import func, select

from passerelle.extensions import db
from passerelle.organisations.models import Programme
from passerelle.programmes.models import Application


def applications_waiting(statuses) -> list[tuple[int, int, str, dict[str, str], str, int]]:
    """(organisation id, programme id, slug, names by locale, status, applications) for
    each programme and status among `statuses` that has applications: one query."""
    rows = db.session.execute(
        select(Programme.organisation_id, Programme.id, Programme.slug, Programme.name_fr,
               Programme.name_nl, Programme.name_en, Application.status, func.count())
        .join(Application, Application.programme_id == Programme.id)
        .where(Application.status.in_(list(statuses)))
        .group_by(Programme.organisation_id, Programme.id, Programme.slug, Programme.name_fr,
                  Programme.name_nl, Programme.name_en, Application.status)
        .order_by(Programme.id))
    return [(org, pid, slug, {"fr": fr, "nl": nl, "en": en}, str(status), count)
            for org, pid, slug, fr, nl, en, status, count in rows]
