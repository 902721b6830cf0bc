"""The messages of an occurrence moved or cancelled, to each person holding a place,
written into the outbox by the services before their commit. Nothing here commits."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from passerelle.accounts.models import User
from passerelle.reminders import outbox
from passerelle.reminders.outbox import external_url
from passerelle.scheduling.models import Occurrence

REMINDER = "occurrence-reminder"


def topic(occurrence: Occurrence) -> str:
    return f"occurrence-{occurrence.id}"


def cancel_reminders(occurrence: Occurrence) -> int:
    return outbox.cancel(topic(occurrence), kinds=(REMINDER,))


def moved(occurrence: Occurrence, user: User, now: datetime) -> None:
    title = occurrence.event.text("title", user.locale)
    # Keyed by the new start: a second move is a second message.
    outbox.write("occurrence-moved", user, _l("New time: %(title)s", title=title),
                 "scheduling/mail/moved.txt", about=topic(occurrence),
                 occurrence=occurrence.starts_at.isoformat(), now=now, title=title,
                 occurrence_row=occurrence,
                 link=external_url("scheduling.occurrence", occurrence_id=occurrence.id))


def cancelled(occurrence: Occurrence, user: User, now: datetime) -> None:
    title = occurrence.event.text("title", user.locale)
    outbox.write("occurrence-cancelled", user, _l("Cancelled: %(title)s", title=title),
                 "scheduling/mail/cancelled.txt", about=topic(occurrence),
                 occurrence="cancelled", now=now, title=title, occurrence_row=occurrence)
