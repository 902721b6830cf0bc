"""A language duo's follow-up meetings: events of kind duo that the programme's coordinators
plan and cancel. Both participants are signed up for the whole series, so the meetings are
on their schedule and in their feed, they are reminded the day before, a cancellation
tells them, and the daily job gives them their place on the occurrences made later. The
two do not change meetings themselves: they write to their coordinator."""

from datetime import date, datetime, time

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from passerelle.accounts.models import User
from passerelle.core import access
from passerelle.core.errors import NOT_FOUND, DomainError, NotFound
from passerelle.duos.models import Duo, DuoStatus
from passerelle.extensions import db
from passerelle.scheduling import recurrence, services, signup_messages, signups
from passerelle.scheduling.models import Event, EventKind, Occurrence

TITLE = _l("Duo follow-up meeting")
LOCALES = ("fr", "nl", "en")


def rule_of(freq: str, day: date, interval: int | None, nth: str, until: date | None,
            count: int | None, ends_on: date | None = None) -> str | None:
    """The RRULE of the meeting form: every N weeks, or monthly on the nth weekday, on the
    day of the week of the first meeting's date. Open-ended, it stops at `ends_on` (the
    end of the duo's follow-up)."""
    if not freq:
        return None
    if freq == "monthly" and not nth:
        raise DomainError(_l("Choose which one in the month."), field="nth")
    if until is None and count is None:
        until = ends_on
    try:
        return recurrence.build_rule(
            freq, interval=(interval or 1) if freq == "weekly" else 1,
            weekdays=[day.weekday()], nth=int(nth) if freq == "monthly" else None,
            until=until, count=count if until is None else None)
    except ValueError:
        raise DomainError(_l("This repetition cannot be used."), field="freq") from None


def _allowed(coordinator: User, duo: Duo) -> None:
    if not access.can_plan_duo_meetings(coordinator, duo):
        raise NotFound(NOT_FOUND)


def plan(coordinator: User, duo: Duo, day: date, start: time, minutes: int, address: str,
         city: str, rule: str | None, now: datetime) -> Event:
    """The meeting (or series), both participants signed up to each occurrence, told of the
    first, reminded of each. One commit."""
    _allowed(coordinator, duo)
    if duo.status != DuoStatus.active:
        raise DomainError(_l("Meetings are planned for an active duo."))
    titles = {}
    for locale in LOCALES:
        with force_locale(locale):
            titles[f"title_{locale}"] = str(TITLE)
    data = services.EventData(kind=EventKind.duo, day=day, start=start, minutes=minutes,
                              address=address, city=city, roles=[(2, None, None)],
                              rule=rule, duo_id=duo.id, **titles)
    event = services.new_event(coordinator, duo.programme, data, now)
    occurrences = list(db.session.scalars(select(Occurrence).where(
        Occurrence.event_id == event.id)))
    for member in (duo.first, duo.second):
        made = signups.on_each(member, occurrences, event.roles[0], now,
                               assigned_by=coordinator)
        if made:  # told of the first, reminded of each
            signup_messages.confirmed(made[0], now)
    db.session.commit()
    return event


def meeting_of(duo: Duo, occurrence_id: int) -> Occurrence | None:
    """The occurrence if it is one of this duo's meetings."""
    occurrence = db.session.get(Occurrence, occurrence_id)
    if occurrence is None or occurrence.event.duo_id != duo.id:
        return None
    return occurrence


def cancel(coordinator: User, duo: Duo, occurrence: Occurrence, now: datetime) -> None:
    """This meeting only; both participants are told (scheduling.services.cancel)."""
    _allowed(coordinator, duo)
    if occurrence.event.duo_id != duo.id:
        raise NotFound(NOT_FOUND)
    if occurrence.cancelled:
        raise DomainError(_l("This meeting is already cancelled."))
    if occurrence.starts_at <= now:
        raise DomainError(_l("This meeting has already taken place."))
    services.cancel(coordinator, occurrence, "this", now)


def upcoming(duo: Duo, now: datetime, limit: int = 50) -> list[Occurrence]:
    """The duo's meetings not yet over, cancelled ones included, with their events: one
    query."""
    return list(db.session.scalars(
        select(Occurrence).join(Occurrence.event).options(contains_eager(Occurrence.event))
        .where(Event.duo_id == duo.id, Occurrence.ends_at >= now)
        .order_by(Occurrence.starts_at, Occurrence.id).limit(limit)))


def end_all(duo: Duo, now: datetime) -> None:
    """A duo that ends keeps none of its meetings still to come: each cancelled, reminders
    with it, nobody told of each (the duo's end is told once). Does not commit."""
    for event in db.session.scalars(select(Event).where(Event.duo_id == duo.id)
                                    .order_by(Event.id)):
        services.end_quietly(event, now)
