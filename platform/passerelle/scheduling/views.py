"""Pages of events: a programme's events and coverage, a series, an occurrence."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from passerelle.accounts.twofactor.gate import second_factor_required
from passerelle.core import access
from passerelle.core.dates import format_day
from passerelle.core.errors import DomainError, NotFound
from passerelle.core.time import utcnow
from passerelle.core.web import form_error
from passerelle.extensions import db
from passerelle.organisations import queries
from passerelle.scheduling import forms, recurrence, services, signup_views
from passerelle.scheduling import roles as role_names
from passerelle.scheduling.models import Event, EventKind, Occurrence

bp = Blueprint("scheduling", __name__)

UPCOMING_DAYS = 14  # the programme page's "Upcoming"
EVENT_PAGE_NEXT = 20  # an event's page: its next occurrences listed


def _me():
    return current_user._get_current_object()


def _programme(slug: str):
    programme = queries.programme_by_slug(slug) or abort(404)
    if not access.can_manage_events(_me(), programme):
        abort(404)
    return programme


def _locale() -> str:
    return str(get_locale() or "fr")


def _rule(form) -> str | None:
    if not form.freq.data:
        return None
    try:
        return recurrence.build_rule(
            form.freq.data, interval=form.interval.data or 1,
            weekdays=[int(d) for d in form.weekdays.data or []],
            nth=int(form.nth.data) if form.nth.data else None,
            until=form.until.data, count=form.count.data if not form.until.data else None)
    except ValueError:
        raise DomainError(_l("This repetition cannot be used."), field="freq") from None


def _edit_rule(form, event: Event):
    """The edit form's repetition: services.SAME when it says the event's own rule."""
    if form.freq.data == forms.KEEP:
        return services.SAME
    rule = _rule(form)
    try:
        same = recurrence.normal(rule) == recurrence.normal(event.rule)
    except recurrence.RecurrenceError:
        same = False
    return services.SAME if same else rule


def _data(form, rule=services.SAME) -> services.EventData:
    return services.EventData(
        kind=EventKind(form.kind.data), day=form.day.data, start=form.start.data,
        minutes=form.minutes.data, end=form.end.data, title_fr=form.title_fr.data or "",
        title_nl=form.title_nl.data or "", title_en=form.title_en.data or "",
        description_fr=form.description_fr.data or "",
        description_nl=form.description_nl.data or "",
        description_en=form.description_en.data or "", address=form.address.data or "",
        city=form.city.data or "", centre=form.centre.data or None,
        roles=[(row.form.places.data, row.form.skill.data or None,
                row.form.language.data or None) for row in form.roles],
        rule=rule)


def _flash_moved(form) -> None:
    found = recurrence.resolve(services.EventData(
        kind=EventKind.session, day=form.day.data, start=form.start.data).local_start)
    if found.moved:
        flash(_l("That time does not exist on that day (the clocks go forward): it became "
                 "%(time)s.", time=found.wall.strftime("%H:%M")), "notice")


@bp.route("/programmes/<slug>/events", methods=["GET", "POST"])
@login_required
@second_factor_required
def programme_events(slug: str):
    programme, now = _programme(slug), utcnow()
    form = forms.NewEventForm(locale=_locale())
    if form.validate_on_submit():
        try:
            event = services.create_event(_me(), programme, _data(form, _rule(form)), now)
        except NotFound:
            raise
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            _flash_moved(form)
            flash(_l("The event is created."), "success")
            return redirect(url_for("scheduling.event", event_id=event.id))
    upcoming, taken = services.upcoming(programme, now, days=UPCOMING_DAYS)
    week, month = services.coverage(programme, now, 7), services.coverage(programme, now, 31)
    locale = _locale()
    role_labels = {row.role.id: role_names.label(row.role.skill, row.role.language, locale)
                   for row in week + month}
    events = [(event, next_start, _rule_words(event))
              for event, next_start in services.series(programme, now)]
    return render_template("scheduling/programme.html", programme=programme, form=form,
                           upcoming=upcoming, taken=taken, week=week, month=month,
                           role_labels=role_labels, events=events,
                           upcoming_days=UPCOMING_DAYS,
                           form_open=request.method == "POST")


def _event(event_id: int) -> Event:
    event = db.session.get(Event, event_id) or abort(404)
    if not access.can_manage_events(_me(), event.programme):
        abort(404)
    return event


def _rule_words(event: Event) -> str:
    """The repetition as a sentence: "Every 2 weeks on Saturday, 10 times"."""
    if event.rule is None:
        return _("Once")
    try:
        parts = recurrence.parts(event.rule)
    except recurrence.RecurrenceError:
        return event.rule
    n = parts.interval
    # Without BYDAY the rule repeats on the first start's weekday.
    days = ", ".join(str(forms.WEEKDAYS[str(d)])
                     for d in parts.weekdays or (event.starts_local.weekday(),))
    if parts.freq == "monthly" and parts.nth is not None:
        nth = forms.NTHS[str(parts.nth)]
        words = (_("Every month, the %(nth)s %(day)s", nth=nth, day=days) if n == 1 else
                 ngettext("Every %(num)d month, the %(nth)s %(day)s",
                          "Every %(num)d months, the %(nth)s %(day)s", n, nth=nth, day=days))
    elif parts.freq == "monthly":
        day = event.starts_local.day
        words = (_("Every month, on day %(day)d", day=day) if n == 1 else
                 ngettext("Every %(num)d month, on day %(day)d",
                          "Every %(num)d months, on day %(day)d", n, day=day))
    elif parts.freq == "weekly":
        words = (_("Every week on %(days)s", days=days) if n == 1 else
                 ngettext("Every %(num)d week on %(days)s", "Every %(num)d weeks on %(days)s",
                          n, days=days))
    elif parts.freq == "daily":
        words = _("Every day") if n == 1 else ngettext("Every %(num)d day",
                                                       "Every %(num)d days", n)
    else:
        return event.rule
    if parts.until:
        return f"{words}, " + _("until %(day)s",
                                day=format_day(parts.until, _locale(), "long"))
    if parts.count:
        return f"{words}, " + ngettext("%(num)d time", "%(num)d times", parts.count)
    return words


@bp.get("/events/<int:event_id>")
@login_required
@second_factor_required
def event(event_id: int):
    found, now = _event(event_id), utcnow()
    occurrences = services.occurrences_of(found)
    past = [o for o in occurrences if o.starts_at < now]
    coming = occurrences[len(past):]
    return render_template("scheduling/event.html", event=found, rule=_rule_words(found),
                           coming=coming[:EVENT_PAGE_NEXT], more=coming[EVENT_PAGE_NEXT:],
                           past=past[-5:], past_count=len(past))


def _occurrence(occurrence_id: int) -> Occurrence:
    found = db.session.get(Occurrence, occurrence_id) or abort(404)
    if not access.can_see_occurrence(_me(), found):
        abort(404)
    return found


def _role_rows(event: Event) -> list[dict]:
    """The event's roles, and a blank row to add one (at least 3 rows are shown anyway)."""
    rows = [{"places": role.places, "skill": role.skill or "", "language": role.language or ""}
            for role in event.roles]
    return rows + [{}] if 3 <= len(rows) < forms.MAX_ROLES else rows


def _prefilled(occurrence: Occurrence) -> forms.EditForm:
    event, start = occurrence.event, recurrence.local_wall(occurrence.starts_at)
    rule = {"freq": ""}
    if event.rule is not None:
        try:
            recurrence.normal(event.rule)
            found = recurrence.parts(event.rule)
        except recurrence.RecurrenceError:
            found = None
        if found is not None and found.freq in forms.FREQS:
            rule = {"freq": found.freq, "interval": found.interval,
                    "weekdays": [str(d) for d in found.weekdays],
                    "nth": "" if found.nth is None else str(found.nth),
                    "until": found.until, "count": found.count}
        else:
            rule = {"freq": forms.KEEP}
    form = forms.EditForm(
        locale=_locale(), kept=[(role.skill, role.language) for role in event.roles],
        kind=event.kind.value, title_fr=event.title_fr,
        title_nl=event.title_nl, title_en=event.title_en,
        description_fr=event.description_fr, description_nl=event.description_nl,
        description_en=event.description_en, address=event.address, city=event.city,
        centre=event.centre or "", day=start.date(), start=start.time(),
        minutes=int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60),
        roles=_role_rows(event), **rule)
    if rule["freq"] == forms.KEEP:
        form.keep_rule(_rule_words(event))
    return form


def occurrence_page(found: Occurrence, *, staff: bool, form=None, signup_form=None,
                    status: int = 200):
    """The occurrence page: its facts, places per role, the sign-up box, the staff's
    forms (`form`: the edit form, prefilled or as just refused)."""
    event, locale = found.event, _locale()
    taken = services.taken([found.id])
    roles = [(role, taken.get((found.id, role.id), 0),
              role_names.label(role.skill, role.language, locale)) for role in event.roles]
    return render_template("scheduling/occurrence.html", occurrence=found, event=event,
                           roles=roles, staff=staff, form=form,
                           cancel_form=forms.CancelForm() if staff else None,
                           **signup_views.box(_me(), found, signup_form)), status


@bp.route("/occurrences/<int:occurrence_id>", methods=["GET", "POST"])
@login_required
@second_factor_required  # staff edit here; a volunteer without a membership is not asked
def occurrence(occurrence_id: int):
    found = _occurrence(occurrence_id)
    staff = access.can_manage_events(_me(), found.event.programme)
    if request.method == "POST" and not staff:
        abort(404)
    form = _prefilled(found) if staff else None
    if staff and form.validate_on_submit():
        try:
            edited = services.edit(_me(), found, form.scope.data,
                                   _data(form, _edit_rule(form, found.event)), utcnow())
        except NotFound:
            raise
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            if edited is None:
                flash(_l("Nothing was changed."), "notice")
                return redirect(url_for("scheduling.occurrence", occurrence_id=found.id))
            _flash_moved(form)
            flash(_l("The changes are saved."), "success")
            return redirect(url_for("scheduling.occurrence", occurrence_id=edited.id))
    return occurrence_page(found, staff=staff, form=form)


@bp.post("/occurrences/<int:occurrence_id>/cancel")
@login_required
@second_factor_required
def cancel(occurrence_id: int):
    found = _occurrence(occurrence_id)
    if not access.can_manage_events(_me(), found.event.programme):
        abort(404)
    form = forms.CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel(_me(), found, form.scope.data, utcnow())
        except NotFound:
            raise
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_l("Cancelled. The people who had a place are told."), "success")
    return redirect(url_for("scheduling.occurrence", occurrence_id=occurrence_id))
