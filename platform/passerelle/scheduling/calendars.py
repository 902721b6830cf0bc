"""Private calendar feeds: a person's own schedule, or for staff a programme's.

The URL's secret is an HMAC of the feed's id and nonce under the app's key: the database
alone opens no feed, and a reset (a new nonce) makes the old URL stop working. Feeds say
nothing about the people helped: a stay is "Stay, <programme>", a companion's first meeting
"First meeting of a stay, <programme>", a programme's feed gives counts of places taken,
never names.
"""

import hashlib
import hmac
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from passerelle.core.time import as_utc
from passerelle.extensions import db
from passerelle.hosting.models import (
    CompanionAnswer,
    Stay,
    StayStatus,
    Trajectory,
    TrajectoryStatus,
)
from passerelle.reminders.outbox import external_url
from passerelle.scheduling import roles
from passerelle.scheduling.feeds import Item
from passerelle.scheduling.models import (
    HOLDING,
    CalendarFeed,
    Event,
    EventRole,
    Occurrence,
    Signup,
)

# Stays a host is asked for or accepted (access.hosts_stay, less the declined ones).
SHOWN_STAYS = (StayStatus.asked, StayStatus.accepted)
TRAJECTORY_SHOWN = (TrajectoryStatus.proposed, TrajectoryStatus.approved)
BACK = timedelta(days=31)
AHEAD = timedelta(days=366)


def _secret(feed: CalendarFeed) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{feed.id}:{feed.nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def feed_token(feed: CalendarFeed) -> str:
    return f"{feed.id}.{_secret(feed)}"


def feed_for(token: str) -> CalendarFeed | None:
    """The feed this token opens, or None (a forged, malformed or reset one)."""
    head, _dot, secret = token.partition(".")
    if not head.isdigit() or not secret:
        return None
    feed = db.session.get(CalendarFeed, int(head))
    if feed is None or not hmac.compare_digest(_secret(feed), secret):
        return None
    return feed


def feed_of(user, programme=None, now: datetime = None) -> CalendarFeed:
    """The person's feed (or their feed of a programme), made the first time."""
    which = (CalendarFeed.programme_id == programme.id if programme
             else CalendarFeed.programme_id.is_(None))
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id, which))
    if feed is None:
        feed = CalendarFeed(user_id=user.id, programme_id=programme.id if programme else None,
                            nonce=secrets.token_hex(16), created_at=now)
        db.session.add(feed)
        db.session.commit()
    return feed


def reset(feed: CalendarFeed, now: datetime) -> CalendarFeed:
    """A new secret: the old URL answers 404 from now on."""
    feed.nonce = secrets.token_hex(16)
    db.session.commit()
    return feed


def window(now: datetime) -> tuple[datetime, datetime]:
    """What a feed covers: a month back, twelve months ahead."""
    return now - BACK, now + AHEAD


def _uid(kind: str, record_id: int) -> str:
    return f"{kind}-{record_id}@passerelle"


def _occurrence_item(occurrence: Occurrence, locale: str, stamp: datetime,
                     description: str | None = None) -> Item:
    event = occurrence.event
    place = ", ".join(part for part in (event.address, event.city) if part)
    return Item(uid=_uid("occurrence", occurrence.id),
                summary=f"{event.text('title', locale)}, {event.programme.text('name', locale)}",
                description=description or event.text("description", locale) or None,
                location=place or None, start=as_utc(occurrence.starts_at),
                end=as_utc(occurrence.ends_at), stamp=stamp, sequence=occurrence.sequence,
                cancelled=occurrence.cancelled)


def _occurrences(where, start: datetime, end: datetime):
    return (select(Occurrence).join(Occurrence.event).join(Event.programme)
            .options(contains_eager(Occurrence.event).contains_eager(Event.programme))
            .where(where, Occurrence.ends_at >= start, Occurrence.starts_at < end)
            .order_by(Occurrence.starts_at, Occurrence.id))


def items_of(user, start: datetime, end: datetime, locale: str, now: datetime) -> list[Item]:
    """The person's own schedule between start and end: the occurrences they hold a place
    at (cancelled ones as cancelled), duo meetings among them, the stays they host and the
    first meetings of the stays they accompany as companion, all-day, without a word about
    the guest. In three queries whatever the number."""
    held = select(Signup.occurrence_id).where(Signup.user_id == user.id,
                                              Signup.status.in_(HOLDING))
    found = db.session.scalars(_occurrences(Occurrence.id.in_(held), start, end))
    with force_locale(locale):
        items = [_own_item(o, locale, now) for o in found]
    stays = db.session.scalars(
        select(Stay).join(Stay.programme).options(contains_eager(Stay.programme))
        .where(Stay.host_id == user.id, Stay.status.in_(SHOWN_STAYS),
               Stay.last_night >= start.date(), Stay.first_night <= end.date())
        .order_by(Stay.first_night, Stay.id))
    with force_locale(locale):
        for stay in stays:
            items.append(Item(
                uid=_uid("stay", stay.id), stamp=now, first_day=stay.first_night,
                day_after=stay.last_night + timedelta(days=1),
                summary=_("Stay, %(programme)s", programme=stay.programme.text("name", locale)),
                description=_("A change goes through the programme's coordinators."),
                url=external_url("hosting.stay", stay_id=stay.id), kind="stay"))
    items.extend(_first_meetings(user, start, end, locale, now))
    return sorted(items, key=_order)


def _first_meetings(user, start: datetime, end: datetime, locale: str,
                    now: datetime) -> list[Item]:
    """The first meetings (on the stay's first day) the person attends as the companion
    who accepted (access.accompanies, once accepted)."""
    stays = db.session.scalars(
        select(Stay).join(Stay.trajectory).join(Stay.programme)
        .options(contains_eager(Stay.programme))
        .where(Trajectory.companion_id == user.id,
               Trajectory.companion_answer == CompanionAnswer.accepted,
               Trajectory.status.in_(TRAJECTORY_SHOWN), Stay.meeting_with_id == user.id,
               Stay.first_meeting.is_(True), Stay.status.in_(SHOWN_STAYS),
               Stay.first_night >= start.date(), Stay.first_night <= end.date())
        .order_by(Stay.first_night, Stay.id))
    with force_locale(locale):
        return [Item(uid=_uid("meeting", stay.id), stamp=now, first_day=stay.first_night,
                     day_after=stay.first_night + timedelta(days=1),
                     summary=_("First meeting of a stay, %(programme)s",
                               programme=stay.programme.text("name", locale)),
                     description=_("The coordinators tell you the time of each meeting. "
                                   "A change goes through them."),
                     url=external_url("hosting.accompany", trajectory_id=stay.trajectory_id),
                     kind="meeting") for stay in stays]


def _own_item(occurrence: Occurrence, locale: str, now: datetime) -> Item:
    """An occurrence of one's own schedule, with its page; a duo's meeting links to the
    duo, where the two read how to have it changed."""
    item = _occurrence_item(occurrence, locale, now)
    duo_id = occurrence.event.duo_id
    if duo_id is None:
        return replace(item, kind="occurrence", url=external_url(
            "scheduling.occurrence", occurrence_id=occurrence.id))
    return replace(item, kind="duo", url=external_url("duos.duo", duo_id=duo_id),
                   description=_("To change a meeting, write to your coordinator."))


def programme_items(programme, start: datetime, end: datetime, locale: str,
                    now: datetime) -> list[Item]:
    """All occurrences of the programme's events, for its staff: how many places are taken
    of how many, a line per role, never who."""
    occurrences = list(db.session.scalars(
        _occurrences(Event.programme_id == programme.id, start, end)))
    taken = dict(((o, r), n) for o, r, n in db.session.execute(
        select(Signup.occurrence_id, Signup.role_id, func.count()).where(
            Signup.occurrence_id.in_([o.id for o in occurrences]),
            Signup.status.in_(HOLDING)).group_by(Signup.occurrence_id, Signup.role_id)).all())
    roles_of = _roles(occurrences)
    with force_locale(locale):
        names = {role.id: roles.label(role.skill, role.language, locale)
                 for found in roles_of.values() for role in found}
        return [_occurrence_item(o, locale, now, "\n".join(
            _("%(role)s: %(taken)d of %(places)d places taken", role=names[role.id],
              taken=taken.get((o.id, role.id), 0), places=role.places)
            for role in roles_of.get(o.event_id, ())) or None)
            for o in occurrences]


def _roles(occurrences) -> dict[int, list[EventRole]]:
    """The roles of the occurrences' events, by event id: one query."""
    ids = {o.event_id for o in occurrences}
    found: dict[int, list[EventRole]] = {}
    if ids:
        for role in db.session.scalars(select(EventRole).where(EventRole.event_id.in_(ids))
                                       .order_by(EventRole.id)):
            found.setdefault(role.event_id, []).append(role)
    return found


def _order(item: Item):
    """By day, the all-day items first, then by start."""
    return (item.local_day, not item.all_day, 0 if item.all_day else item.start.timestamp(),
            item.uid)


def occurrence_item(occurrence: Occurrence, locale: str, now: datetime) -> Item:
    """One occurrence as an item, for its .ics download."""
    return _occurrence_item(occurrence, locale, now)


def staff_programmes(user) -> list:
    """The programmes of the organisations this person works for or coordinates
    (access.is_staff, less administration alone: not every programme): one feed each."""
    from passerelle.core import access
    from passerelle.organisations.models import Programme

    mine = access.own_organisation_ids(user) | access.coordinated_organisation_ids(user)
    if not mine:
        return []
    return list(db.session.scalars(
        select(Programme).where(Programme.organisation_id.in_(mine)).order_by(Programme.id)))
