"""Pages of housing hosting: a programme's guests and trajectories, a trajectory, a stay,
a host's stays."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from passerelle.accounts.models import User
from passerelle.accounts.twofactor.gate import second_factor_required
from passerelle.core import access
from passerelle.core.errors import DomainError
from passerelle.core.languages import language_name
from passerelle.core.security_headers import no_store
from passerelle.core.time import today_in_brussels, utcnow
from passerelle.core.web import act, submit
from passerelle.extensions import db
from passerelle.hosting import forms, loading, services
from passerelle.hosting.models import (
    SAID_NO,
    CompanionAnswer,
    Stay,
    StayStatus,
    Trajectory,
    TrajectoryStatus,
)
from passerelle.organisations import queries
from passerelle.volunteers.choices import GUEST_KINDS

bp = Blueprint("hosting", __name__)


def _me() -> User:
    return current_user._get_current_object()


def _programme(slug: str):
    programme = queries.programme_by_slug(slug) or abort(404)
    if not access.can_plan_hosting(_me(), programme):
        abort(404)
    return programme


@bp.get("/hosting/<slug>")
@no_store
@login_required
@second_factor_required
def programme(slug: str):
    found, now = _programme(slug), utcnow()
    today = today_in_brussels()
    people = services.waiting(_me(), found, now)
    return render_template(
        "hosting/programme.html", programme=found, waiting=[
            (person, *loading.nights_of(person, found, today)) for person in people],
        hosts=len(loading.hosts(found, today)), max_nights=loading.max_nights(found),
        trajectories=services.trajectories_of(found), guest_kinds=GUEST_KINDS)


@bp.post("/hosting/<slug>/plan")
@login_required
@second_factor_required
def plan(slug: str):
    found = _programme(slug)
    try:
        trajectories, figures = services.plan_programme(_me(), found, utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("hosting.programme", slug=slug))
    flash(ngettext(
        "%(num)d trajectory planned: %(covered)d of %(nights)d nights covered (first come, "
        "first served: %(first)d; at most %(bound)d).",
        "%(num)d trajectories planned: %(covered)d of %(nights)d nights covered (first "
        "come, first served: %(first)d; at most %(bound)d).", len(trajectories),
        covered=figures.covered, nights=figures.nights, first=figures.first_come,
        bound=figures.upper_bound), "success")
    if "distance" in figures.proved:
        flash(_("No plan is better: it was proved (most nights, then fewest moves, then the "
                "shortest distances)."), "success")
    elif "nights" in figures.proved:
        flash(_("No plan covers more nights: it was proved. Moves and distances are the best "
                "found in the time given."), "success")
    if len(trajectories) == 1:
        return redirect(url_for("hosting.trajectory", trajectory_id=trajectories[0].id))
    return redirect(url_for("hosting.programme", slug=slug))


def _trajectory(trajectory_id: int) -> Trajectory:
    found = db.session.get(Trajectory, trajectory_id)
    if found is None or not access.can_see_trajectory(_me(), found):
        abort(404)
    return found


def _render_trajectory(found: Trajectory, status: int = 200, **shown):
    me, now = _me(), utcnow()
    services.read_trajectory(me, found, now)
    deciding = access.can_plan_hosting(me, found.programme)
    companions = (loading.companions(found.programme, found.person, today_in_brussels())
                  if deciding else [])
    return render_template(
        "hosting/trajectory.html", trajectory=found, deciding=deciding,
        for_guest=access.works_for(me, found.person.organisation),
        companion_form=shown.get("companion_form") or forms.CompanionForm(
            companions=companions, data={"companion": str(found.companion_id or "")}),
        StayStatus=StayStatus, SAID_NO=SAID_NO,
        TrajectoryStatus=TrajectoryStatus, guest_kinds=GUEST_KINDS,
        gaps=[(date.fromisoformat(a), date.fromisoformat(b)) for a, b in found.gaps]), status


@bp.get("/trajectories/<int:trajectory_id>")
@no_store
@login_required
@second_factor_required
def trajectory(trajectory_id: int):
    return _render_trajectory(_trajectory(trajectory_id))


@bp.post("/trajectories/<int:trajectory_id>/<action>")
@login_required
@second_factor_required
def decide(trajectory_id: int, action: str):
    found, me, now = _trajectory(trajectory_id), _me(), utcnow()
    if action not in ("approve", "withdraw", "companion") or \
            not access.can_plan_hosting(me, found.programme):
        abort(404)
    if action == "approve":
        act(lambda: services.approve(me, found, now),
            _l("Approved: each host is asked to accept their stay."))
    elif action == "withdraw":
        act(lambda: services.withdraw(me, found, now), _l("The trajectory is withdrawn."))
    else:
        form = forms.CompanionForm(companions=loading.companions(
            found.programme, found.person, today_in_brussels()))

        def choose():
            chosen = form.companion.data
            services.set_companion(me, found, int(chosen) if chosen.isdigit() else None, now)

        if not submit(form, choose):
            return _render_trajectory(found, 200, companion_form=form)
        flash(_l("Saved."), "success")
    return redirect(url_for("hosting.trajectory", trajectory_id=found.id))


def _stay(stay_id: int) -> Stay:
    found = db.session.get(Stay, stay_id)
    if found is None or not access.can_see_stay(_me(), found):
        abort(404)
    return found


def _render_stay(found: Stay, status: int = 200, **shown):
    me = _me()
    hosting = found.host_id == me.id
    staff = access.can_see_trajectory(me, found.trajectory)
    services.read_stay(me, found, utcnow())
    return render_template(
        "hosting/stay.html", stay=found, hosting=hosting, staff=staff,
        for_guest=access.speaks_for_guest(me, found),
        decline_form=shown.get("decline_form") or forms.ReasonForm(prefix="decline"),
        refuse_form=shown.get("refuse_form") or forms.ReasonForm(prefix="refuse"),
        concern_form=shown.get("concern_form") or forms.ConcernForm(prefix="concern"),
        concerns=services.concerns_of(found) if staff and access.can_plan_hosting(
            me, found.programme) else [],
        StayStatus=StayStatus, guest_kinds=GUEST_KINDS,
        languages=[language_name(code, str(get_locale())) for code in found.person.languages],
        contact=found.programme.organisation.emergency_contact
        or found.programme.organisation.phone or ""), status


@bp.get("/stays/<int:stay_id>")
@no_store
@login_required
@second_factor_required
def stay(stay_id: int):
    return _render_stay(_stay(stay_id))


@bp.post("/stays/<int:stay_id>/<action>")
@login_required
@second_factor_required
def answer(stay_id: int, action: str):
    found, me, now = _stay(stay_id), _me(), utcnow()
    back = url_for("hosting.stay", stay_id=found.id)
    if action == "accept":
        if not access.hosts_stay(me, found):
            abort(404)
        act(lambda: services.answer(me, found, True, "", now),
            _l("Thank you: the stay is confirmed. The coordinators will arrange the first "
               "meeting."))
        return redirect(back)
    form_class = {"decline": forms.ReasonForm, "refuse": forms.ReasonForm,
                  "concern": forms.ConcernForm}.get(action)
    allowed = {"decline": access.hosts_stay, "refuse": access.speaks_for_guest,
               "concern": lambda user, s: access.hosts_stay(user, s)
               or access.can_see_trajectory(user, s.trajectory)}.get(action)
    if form_class is None or not allowed(me, found):
        abort(404)
    form = form_class(prefix=action)
    operation = {
        "decline": lambda: services.answer(me, found, False, form.reason.data or "", now),
        "refuse": lambda: services.refuse_for_guest(me, found, form.reason.data or "", now),
        "concern": lambda: services.report_concern(me, found, form.body.data, now),
    }[action]
    if not submit(form, operation):
        return _render_stay(found, 200, **{f"{action}_form": form})
    flash({"decline": _l("Declined: the coordinators are told and look for another home."),
           "refuse": _l("Refused: the trajectory is planned again from that night."),
           "concern": _l("Sent to the coordinators.")}[action], "success")
    return redirect(back)


def _accompanied(trajectory_id: int) -> Trajectory:
    found = db.session.get(Trajectory, trajectory_id)
    if found is None or not access.accompanies(_me(), found):
        abort(404)
    return found


def _render_accompany(found: Trajectory, status: int = 200, decline_form=None,
                      withdraw_form=None):
    stays = services.accompanied_stays(_me(), found, str(get_locale()), utcnow())
    organisation = found.programme.organisation
    return render_template(
        "hosting/accompany.html", trajectory=found, stays=stays, CompanionAnswer=CompanionAnswer,
        decline_form=decline_form or forms.ReasonForm(prefix="decline"),
        withdraw_form=withdraw_form or forms.ReasonForm(prefix="withdraw"),
        may_withdraw=services.companion_may_withdraw(found, today_in_brussels()),
        contact=organisation.emergency_contact or organisation.phone or ""), status


@bp.get("/trajectories/<int:trajectory_id>/accompany")
@no_store
@login_required
@second_factor_required
def accompany(trajectory_id: int):
    return _render_accompany(_accompanied(trajectory_id))


@bp.post("/trajectories/<int:trajectory_id>/accompany/<reply>")
@login_required
@second_factor_required
def accompany_answer(trajectory_id: int, reply: str):
    found, me, now = _accompanied(trajectory_id), _me(), utcnow()
    back = url_for("hosting.accompany", trajectory_id=found.id)
    if reply not in ("accept", "decline", "withdraw"):
        abort(404)
    if reply == "withdraw":
        return _withdraw_companion(found, me, now)
    if found.companion_answer != CompanionAnswer.asked:  # nothing changes, and they are told
        flash(services.ALREADY_ANSWERED, "error")
        return redirect(back)
    if reply == "accept":
        act(lambda: services.answer_companion(me, found, True, "", now),
            _l("Thank you: the coordinators are told. The first meetings are in your "
               "schedule."))
        return redirect(back)
    form = forms.ReasonForm(prefix="decline")
    if not submit(form, lambda: services.answer_companion(me, found, False,
                                                          form.reason.data or "", now)):
        return _render_accompany(found, 200, form)
    flash(_l("Declined: the coordinators are told and choose another companion."), "success")
    return redirect(url_for("hosting.my_stays"))


def _withdraw_companion(found: Trajectory, me: User, now):
    """The companion's "I can no longer accompany", once accepted: the decline's path."""
    form = forms.ReasonForm(prefix="withdraw")
    if not form.validate_on_submit():
        return _render_accompany(found, 200, withdraw_form=form)
    # A refusal (not accepted, or ended) comes when the page no longer shows this form: it is
    # flashed on the page the companion goes back to.
    if not act(lambda: services.withdraw_companion(me, found, form.reason.data or "", now),
               _l("Done: the coordinators are told, and the first meetings still to come "
                  "are theirs again.")):
        return redirect(url_for("hosting.accompany", trajectory_id=found.id))
    return redirect(url_for("hosting.my_stays"))


@bp.get("/my/stays")
@no_store
@login_required
def my_stays():
    me, now = _me(), utcnow()
    return render_template("hosting/my_stays.html", stays=services.my_stays(me, now),
                           accompanied=services.accompanied_by(me, now),
                           StayStatus=StayStatus, CompanionAnswer=CompanionAnswer)
