"""Calendar feeds (private URLs), single .ics downloads, and the person's week or month.

A feed's URL is its own authority (no login: calendar programs do not sign in); a bad or
reset token is 404. The schedule pages get their items ready here: templates never query.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from passerelle.accounts.models import User
from passerelle.core import access
from passerelle.core.routing import ID_MAX
from passerelle.core.security_headers import no_store
from passerelle.core.time import BRUSSELS, add_months, day_in_brussels, utcnow
from passerelle.extensions import db
from passerelle.organisations.models import Programme
from passerelle.scheduling import calendars, feeds
from passerelle.scheduling.models import CalendarFeed, Occurrence

bp = Blueprint("calendars", __name__)

ICS = "text/calendar; charset=utf-8"


def _ics(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    found = calendars.feed_for(token)
    if found is None:
        abort(404)
    now = utcnow()
    start, end = calendars.window(now)
    owner = db.session.get(User, found.user_id)
    if found.programme_id is None:
        items = calendars.items_of(owner, start, end, owner.locale, now)
        name = _calendar_name(owner.locale, None)
    else:
        programme = db.session.get(Programme, found.programme_id)
        if not access.is_staff(owner, programme.organisation):  # left the organisation
            abort(404)
        items = calendars.programme_items(programme, start, end, owner.locale, now)
        name = _calendar_name(owner.locale, programme.text("name", owner.locale))
    return _ics(feeds.calendar(items, name), "passerelle.ics")


def _calendar_name(locale: str, programme_name: str | None) -> str:
    from flask_babel import force_locale

    with force_locale(locale):
        if programme_name:
            return _("Passerelle: %(programme)s", programme=programme_name)
        return _("Passerelle: my schedule")


@bp.get("/occurrences/<int:occurrence_id>.ics")
@login_required
def occurrence_ics(occurrence_id: int):
    occurrence = db.session.get(Occurrence, occurrence_id)
    if occurrence is None or not access.can_see_occurrence(current_user, occurrence):
        abort(404)
    item = calendars.occurrence_item(occurrence, str(get_locale()), utcnow())
    return _ics(feeds.calendar([item], item.summary), f"occurrence-{occurrence.id}.ics")


# The feeds page ---------------------------------------------------------------------

@dataclass(frozen=True)
class FeedRow:
    feed_id: int
    title: str
    url: str
    webcal: str


def _row(feed: CalendarFeed, title: str) -> FeedRow:
    url = url_for("calendars.feed", token=calendars.feed_token(feed), _external=True)
    return FeedRow(feed.id, title, url, "webcal://" + url.split("://", 1)[1])


@bp.get("/my/calendar")
@no_store
@login_required
def my_calendar():
    now, locale = utcnow(), str(get_locale())
    rows = [_row(calendars.feed_of(current_user, None, now), _("My schedule"))]
    for programme in calendars.staff_programmes(current_user):
        rows.append(_row(calendars.feed_of(current_user, programme, now),
                         programme.text("name", locale)))
    return render_template("scheduling/calendar.html", rows=rows)


@bp.post("/my/calendar/reset")
@login_required
def reset_feed():
    feed_id = request.form.get("feed", "")
    found = (db.session.get(CalendarFeed, int(feed_id))
             if feed_id.isdigit() and 0 < int(feed_id) <= ID_MAX else None)
    if found is None or not access.owns_feed(current_user, found):
        abort(404)
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm: the old address will stop working."), "error")
        return redirect(url_for("calendars.my_calendar"))
    calendars.reset(found, utcnow())
    flash(_("The calendar has a new address: the old one no longer works."), "success")
    return redirect(url_for("calendars.my_calendar"))


# The schedule: a week or a month ------------------------------------------------------

@dataclass(frozen=True)
class Line:
    when: str  # "18:00 – 21:00", or "All day"
    start: str  # "18:00", or "" all day: the month's short form
    summary: str
    location: str | None
    cancelled: bool
    ics_url: str | None
    url: str | None = None  # the item's page
    kind: str = ""  # "occurrence", "duo", "stay" or "meeting" (a companion's first meeting)
    note: str | None = None  # how a stay or a duo's meeting is changed


@dataclass(frozen=True)
class Day:
    day: date
    label: str
    today: bool
    lines: list[Line]
    in_month: bool = True  # false for the days of the month's first and last weeks outside it


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), BRUSSELS)


def _line(item: feeds.Item) -> Line:
    if item.all_day:
        when, start = _("All day"), ""
    else:
        start = format_time(item.start.astimezone(BRUSSELS), "HH:mm")
        when = f"{start} – {format_time(item.end.astimezone(BRUSSELS), 'HH:mm')}"
    occurrence = item.uid.startswith("occurrence-")
    ics_url = (url_for("calendars.occurrence_ics",
                       occurrence_id=int(item.uid.split("-")[1].split("@")[0]))
               if occurrence else None)
    return Line(when, start, item.summary, item.location, item.cancelled, ics_url, item.url,
                item.kind, item.description if item.kind in ("stay", "duo", "meeting") else None)


def _days(first: date, last: date, items: list[feeds.Item], today: date,
          month: int | None = None) -> list[Day]:
    """Each day from first to last with its lines; a stay shows on each of its nights."""
    by_day: dict[date, list[Line]] = {}
    for item in items:
        if item.all_day:
            day = max(item.first_day, first)
            while day < item.day_after and day <= last:
                by_day.setdefault(day, []).append(_line(item))
                day += timedelta(days=1)
        else:
            by_day.setdefault(item.local_day, []).append(_line(item))
    days, day = [], first
    while day <= last:
        days.append(Day(day, format_date(day, "EEEE d MMMM"), day == today,
                        by_day.get(day, []), month is None or day.month == month))
        day += timedelta(days=1)
    return days


def _period(view: str, day: date) -> tuple[date, date, date, date, date]:
    """The period's first day, the first and last day shown (a month: whole weeks, Monday
    first), and the day the previous and next links go to."""
    if view == "month":
        start = day.replace(day=1)
        end = add_months(start, 1) - timedelta(days=1)
        return (start, start - timedelta(days=start.weekday()),
                end + timedelta(days=6 - end.weekday()), add_months(start, -1),
                add_months(start, 1))
    first = day - timedelta(days=day.weekday())
    return (first, first, first + timedelta(days=6), first - timedelta(days=7),
            first + timedelta(days=7))


@bp.get("/my/schedule")
@no_store
@login_required
def my_schedule():
    now = utcnow()
    today = day_in_brussels(now)
    view = "month" if request.args.get("view") == "month" else "week"
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = today
    if not 1900 < day.year < 3000:  # a month or a week away stays a date
        day = today
    start, first, last, previous, following = _period(view, day)
    items = calendars.items_of(current_user, _midnight(first),
                               _midnight(last + timedelta(days=1)), str(get_locale()), now)
    days = _days(first, last, items, today, start.month if view == "month" else None)
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    return render_template(f"scheduling/schedule_{view}.html", view=view, days=days,
                           weeks=weeks, first=start, last=last, previous=previous,
                           following=following, today=today,
                           busy=any(d.lines for d in days if d.in_month),
                           title=format_date(start, "MMMM y") if view == "month" else
                           _("Week of %(day)s", day=format_date(start, "d MMMM y")))
