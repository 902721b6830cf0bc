"""The queue's cards made ready in Python: a card's template called a function per fact
(links, dates, places, languages) through Jinja and Flask-Babel; here each is one call,
and the page's language is looked up once."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext

from passerelle.core.dates import format_day, format_moment
from passerelle.core.languages import language_name
from passerelle.data import places


@dataclass(frozen=True)
class QueueRow:
    review_url: str
    name: str
    status: str
    applied_on: str
    municipality: str
    languages: str
    interview: str  # "" when none is planned
    changed_on: str


def queue_rows(page, locale: str) -> list[QueueRow]:
    """The cards of a services.QueuePage, in `locale`."""
    erased = gettext("Erased account")
    rows = []
    for application in page.items:
        profile = page.profiles.get(application.user_id)
        refnis = profile.place_refnis if profile else None
        languages = profile.languages if profile else []
        rows.append(QueueRow(
            review_url=url_for("programmes.review", application_id=application.id),
            name=application.user.name or erased, status=application.status.label,
            applied_on=format_day(application.created_at, locale),
            municipality=places.label_of(refnis, locale) if refnis else "—",
            languages=", ".join(language_name(code, locale) for code in languages) or "—",
            interview=(format_moment(application.interview_at, locale, "short")
                       if application.interview_at else ""),
            changed_on=format_day(application.updated_at, locale)))
    return rows
