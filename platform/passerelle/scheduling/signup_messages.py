"""The messages of a sign-up, written into the outbox by scheduling/signups.py before its
commit, in the recipient's language: confirmed (or waitlisted), a place from the waitlist,
and the reminder the day before. Nothing here commits or sends."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from passerelle.reminders import outbox
from passerelle.reminders.calendars import same_time_day_before
from passerelle.reminders.outbox import external_url
from passerelle.scheduling.models import HOLDING, Signup, SignupStatus

REMINDER = "occurrence-reminder"


def about(signup: Signup) -> str:
    """The outbox topic of the occurrence (shared with the events helper's messages)."""
    return f"occurrence-{signup.occurrence_id}"


def _context(signup: Signup) -> dict:
    occurrence = signup.occurrence
    event = occurrence.event
    locale = signup.user.locale
    return dict(signup=signup, event=event,
                event_title=event.text("title", locale),
                programme_name=event.programme.text("name", locale),
                start=occurrence.starts_at, link=external_url("signups.my_hours"))


def _ics(signup: Signup, now: datetime) -> str:
    """The occurrence as its .ics download and the person's feed give it (the same UID)."""
    from passerelle.scheduling import calendars, feeds

    item = calendars.occurrence_item(signup.occurrence, signup.user.locale, now)
    return feeds.calendar([item], item.summary)


def confirmed(signup: Signup, now: datetime) -> None:
    """A place, with an .ics, or the waitlist with its number; and the reminder for a
    place."""
    from passerelle.scheduling.signups import waitlist_number

    context = _context(signup)
    waiting = signup.status == SignupStatus.waitlisted
    subject = (_l("On the waitlist: %(event)s", event=context["event_title"]) if waiting
               else _l("Signed up: %(event)s", event=context["event_title"]))
    outbox.write("signup-confirmed", signup.user, subject,
                 "scheduling/signups/mail/confirmed.txt", about=about(signup),
                 occurrence=f"{signup.id}-{signup.since.astimezone(UTC).isoformat()}",
                 now=now, calendar=None if waiting else _ics(signup, now), waiting=waiting,
                 number=waitlist_number(signup), attached=not waiting, **context)
    remind(signup, now)


def promoted(signup: Signup, now: datetime) -> None:
    context = _context(signup)
    outbox.write("waitlist-promoted", signup.user,
                 _l("A place for you: %(event)s", event=context["event_title"]),
                 "scheduling/signups/mail/promoted.txt", about=about(signup),
                 occurrence=f"{signup.id}-{now.astimezone(UTC).isoformat()}", now=now,
                 calendar=_ics(signup, now), attached=True, **context)
    remind(signup, now)


def remind(signup: Signup, now: datetime) -> None:
    """The day before at the same Brussels time; nothing when that is already past or the
    person holds no place. Keyed by the start's instant and the sign-up's `since`: a moved
    occurrence gets a new one, and so does signing up again after cancelling (the row and
    its id are the same, the reminder `forget` cancelled is not)."""
    if signup.status not in HOLDING or signup.occurrence.cancelled:
        return
    start = signup.occurrence.starts_at
    due = same_time_day_before(start)
    if due <= now:
        return
    context = _context(signup)
    outbox.write(REMINDER, signup.user,
                 _l("Tomorrow: %(event)s", event=context["event_title"]),
                 "scheduling/signups/mail/reminder.txt", about=about(signup),
                 occurrence=f"{start.astimezone(UTC):%Y%m%dT%H%M}Z-"
                            f"{signup.since.astimezone(UTC):%Y%m%dT%H%M%S.%f}Z",
                 now=now, due_at=due,
                 **context)


def forget(signup: Signup, everything: bool = False) -> None:
    """The pending reminder of a cancelled sign-up; with `everything`, all that is still to
    be sent to the person about the occurrence (they left the programme)."""
    outbox.cancel(about(signup), kinds=None if everything else (REMINDER,), to=signup.user)
    # Reminders written by the former training sessions' own messages, before they became
    # events, are about "session-<occurrence id>".
    outbox.cancel(f"session-{signup.occurrence_id}", to=signup.user)
