"""Pages of language duos: a programme's duos and batches, a batch, a duo, my duos."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from passerelle.accounts.models import User
from passerelle.accounts.twofactor.gate import second_factor_required
from passerelle.core import access
from passerelle.core.errors import DomainError, NotFound
from passerelle.core.security_headers import no_store
from passerelle.core.time import today_in_brussels, utcnow
from passerelle.core.web import act, submit
from passerelle.duos import forms, loading, meetings, services
from passerelle.duos.models import Duo, DuoStatus
from passerelle.extensions import db
from passerelle.matching.models import BatchKind, MatchBatch
from passerelle.organisations import queries

bp = Blueprint("duos", __name__)


def _me() -> User:
    return current_user._get_current_object()


def _locale() -> str:
    return str(get_locale())


# A programme and its batches ------------------------------------------------------------------

def _coordinated(slug: str):
    programme = queries.programme_by_slug(slug) or abort(404)
    if not services.is_language_exchange(programme) or \
            not access.can_coordinate_programme(_me(), programme):
        abort(404)
    return programme


@bp.get("/duos/programmes/<slug>")
@no_store
@login_required
@second_factor_required
def programme(slug: str):
    found = _coordinated(slug)
    waiting = loading.waiting(found, today_in_brussels())
    return render_template(
        "duos/programme.html", programme=found, waiting=len(waiting),
        unplaced=sum(1 for person in waiting.values() if person.lat is None),
        max_km=int(services.MAX_KM), batches=services.recent_batches(found),
        duos=services.duos_of_programme(found), form=forms.ActionForm())


@bp.post("/duos/programmes/<slug>/batch")
@login_required
@second_factor_required
def run_batch(slug: str):
    found = _coordinated(slug)
    if not forms.ActionForm().validate_on_submit():
        return redirect(url_for("duos.programme", slug=slug))
    try:
        batch = services.run_batch(_me(), found, utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("duos.programme", slug=slug))
    return redirect(url_for("duos.batch", batch_id=batch.id))


def _batch(batch_id: int) -> MatchBatch:
    found = db.session.get(MatchBatch, batch_id)
    if found is None or not services.is_language_exchange(found.programme) or \
            not access.can_coordinate_programme(_me(), found.programme) or \
            found.kind != BatchKind.duos:  # an ordinary batch's page is matching's
        abort(404)
    return found


@bp.get("/duos/batches/<int:batch_id>")
@no_store
@login_required
@second_factor_required
def batch(batch_id: int):
    found, locale = _batch(batch_id), _locale()
    rows = [(duo, services.why(duo, locale)) for duo in services.batch_duos(found)]
    return render_template("duos/batch.html", batch=found, rows=rows, form=forms.ActionForm(),
                           S=DuoStatus)


@bp.post("/duos/batches/<int:batch_id>/approve")
@login_required
@second_factor_required
def approve_batch(batch_id: int):
    found = _batch(batch_id)
    if forms.ActionForm().validate_on_submit():
        chosen = [int(value) for value in request.form.getlist("duo") if value.isdigit()]
        try:
            done, failed = services.approve_batch(_me(), found, chosen, utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_l("%(count)s approved: both participants of each duo are asked.",
                     count=done), "success")
            for duo, reason in failed:
                flash(_l("%(pair)s: %(reason)s", pair=duo.first.name + " & " + duo.second.name,
                         reason=reason), "error")
    return redirect(url_for("duos.batch", batch_id=found.id))


@bp.post("/duos/batches/<int:batch_id>/undo")
@login_required
@second_factor_required
def undo_batch(batch_id: int):
    found = _batch(batch_id)
    if forms.ActionForm().validate_on_submit():
        try:
            withdrawn, kept = services.undo_batch(_me(), found, utcnow())
        except NotFound:
            raise
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_l("The batch is undone. Duos withdrawn (still proposed): %(withdrawn)s; "
                     "duos kept (already approved): %(kept)s.", withdrawn=withdrawn,
                     kept=kept), "success")
    return redirect(url_for("duos.batch", batch_id=found.id))


# A duo --------------------------------------------------------------------------------------

def _duo(duo_id: int) -> Duo:
    found = db.session.get(Duo, duo_id)
    if found is None or not access.can_see_duo(_me(), found):
        abort(404)
    return found


# Staff pass the second factor; a participant with no membership is not asked for one.
@bp.get("/duos/<int:duo_id>")
@no_store
@login_required
@second_factor_required
def duo(duo_id: int):
    return _render_duo(_duo(duo_id))


def _render_duo(found: Duo, **shown):
    me, locale = _me(), _locale()
    participant = access.is_in_duo(me, found)
    planning = access.can_plan_duo_meetings(me, found)
    return render_template(
        "duos/duo.html", duo=found, S=DuoStatus, participant=participant,
        deciding=access.can_decide_duo(me, found) and not participant,
        meetings=meetings.upcoming(found, utcnow()), planning=planning,
        meeting_form=shown.get("meeting_form") or (
            forms.MeetingForm(prefix="meeting") if planning and found.status == DuoStatus.active
            else None),
        action_form=forms.ActionForm(),
        mine=services.for_participant(found, me.id, locale) if participant else None,
        why=services.why(found, locale),
        contact=services.contact_of(found.programme) if found.status in (
            DuoStatus.active, DuoStatus.ended) else "",
        refuse_form=shown.get("refuse_form") or forms.RefuseForm(prefix="refuse"),
        decline_form=shown.get("decline_form") or forms.DeclineForm(prefix="decline"))


@bp.post("/duos/<int:duo_id>/meetings")
@login_required
@second_factor_required
def plan_meeting(duo_id: int):
    found, me = _duo(duo_id), _me()
    if not access.can_plan_duo_meetings(me, found):
        abort(404)
    form = forms.MeetingForm(prefix="meeting")

    def plan():
        rule = meetings.rule_of(form.freq.data, form.day.data, form.interval.data,
                                form.nth.data, form.until.data, form.count.data,
                                found.ends_on)
        meetings.plan(me, found, form.day.data, form.start.data, form.minutes.data,
                      form.address.data or "", form.city.data or "", rule, utcnow())

    if not submit(form, plan):
        return _render_duo(found, meeting_form=form)
    flash(_l("The meeting is planned: both participants have it on their schedule."),
          "success")
    return redirect(url_for("duos.duo", duo_id=found.id) + "#meetings")


@bp.post("/duos/<int:duo_id>/meetings/<int:occurrence_id>/cancel")
@login_required
@second_factor_required
def cancel_meeting(duo_id: int, occurrence_id: int):
    found, me = _duo(duo_id), _me()
    occurrence = meetings.meeting_of(found, occurrence_id)
    if occurrence is None or not access.can_plan_duo_meetings(me, found):
        abort(404)
    if forms.ActionForm().validate_on_submit():
        act(lambda: meetings.cancel(me, found, occurrence, utcnow()),
            _l("The meeting is cancelled: both participants are told."))
    return redirect(url_for("duos.duo", duo_id=found.id) + "#meetings")


@bp.post("/duos/<int:duo_id>/<action>")
@login_required
@second_factor_required
def decide(duo_id: int, action: str):
    found, me, now = _duo(duo_id), _me(), utcnow()
    if action in ("approve", "refuse"):
        if not access.can_decide_duo(me, found) or access.is_in_duo(me, found):
            abort(404)
    elif action in ("accept", "decline"):
        if not access.is_in_duo(me, found):
            abort(404)
    else:
        abort(404)
    back = url_for("duos.duo", duo_id=found.id)
    if action == "approve":
        if forms.ActionForm().validate_on_submit():
            act(lambda: services.approve(me, found, now),
                _l("Approved: both participants are asked to accept."))
    elif action == "accept":
        if forms.ActionForm().validate_on_submit():
            try:
                services.accept(me, found, now)
            except NotFound:
                raise
            except DomainError as error:
                flash(error.message, "error")
            else:
                flash(_l("Both of you accepted: the duo is active.")
                      if found.status == DuoStatus.active else
                      _l("Thank you: the duo starts when the other accepts too."), "success")
    else:
        form = (forms.RefuseForm if action == "refuse" else forms.DeclineForm)(prefix=action)
        operation = {
            "refuse": lambda: services.refuse(me, found, form.reason.data, now),
            "decline": lambda: services.decline(me, found, form.reason.data or "", now),
        }[action]
        if not submit(form, operation):
            return _render_duo(found, **{f"{action}_form": form})
        flash(_l("Refused.") if action == "refuse" else
              _l("Declined: the coordinators are told."), "success")
    return redirect(back)


@bp.get("/my/duos")
@no_store
@login_required
def my_duos():
    me, locale = _me(), _locale()
    return render_template("duos/my_duos.html", rows=[
        (duo, services.for_participant(duo, me.id, locale)) for duo in services.duos_of(me)])
