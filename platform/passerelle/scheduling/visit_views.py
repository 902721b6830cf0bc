"""Pages of visit rotas: the coordinators' rota with its proposed pairs, the visitors' own
visits, the report after a visit, the monitoring summary."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from passerelle.accounts.twofactor.gate import second_factor_required
from passerelle.core import access
from passerelle.core.errors import DomainError
from passerelle.core.security_headers import no_store
from passerelle.core.time import utcnow
from passerelle.core.web import act, form_error
from passerelle.extensions import db
from passerelle.organisations import queries
from passerelle.programmes.models import DETENTION_CENTRES
from passerelle.scheduling import visit_forms as forms
from passerelle.scheduling import visits
from passerelle.scheduling.models import HOLDING, Event, Occurrence, Signup, SignupStatus

bp = Blueprint("visits", __name__)


def _me():
    return current_user._get_current_object()


def _programme(slug: str):
    programme = queries.programme_by_slug(slug)
    if programme is None or not access.can_run_visits(_me(), programme):
        abort(404)
    return programme


def _occurrence(occurrence_id: int) -> Occurrence:
    occurrence = db.session.get(Occurrence, occurrence_id, options=[
        selectinload(Occurrence.event).selectinload(Event.programme)])
    if occurrence is None or occurrence.event.kind != "visit":
        abort(404)
    return occurrence


def _pairs(occurrences) -> dict[int, dict[int, list[Signup]]]:
    """occurrence id -> pair number -> its holding sign-ups, with their people."""
    found: dict[int, dict[int, list[Signup]]] = {}
    for signup in db.session.scalars(select(Signup).where(
            Signup.occurrence_id.in_([o.id for o in occurrences]),
            Signup.status.in_(HOLDING)).options(selectinload(Signup.user))
            .order_by(Signup.pair, Signup.id)):
        found.setdefault(signup.occurrence_id, {}).setdefault(signup.pair or 0, []).append(
            signup)
    return found


@bp.route("/visits/programmes/<slug>", methods=["GET", "POST"])
@login_required
@second_factor_required
@no_store
def rota(slug: str):
    programme = _programme(slug)
    form = forms.ActionForm()
    unfilled = {}
    if form.validate_on_submit():
        plan = visits.propose(_me(), programme, utcnow())
        flash(_l("%(count)s pairs proposed. Approve those you agree with.",
                 count=len(plan.pairs)), "success")
        unfilled = plan.unfilled
    slots = visits.slots_ahead(programme, utcnow())
    return render_template("scheduling/visits/rota.html", programme=programme, slots=slots,
                           pairs=_pairs(slots), unfilled=unfilled, reasons=visits.UNFILLED,
                           centres=DETENTION_CENTRES, form=form,
                           experienced_from=visits.experienced_from(programme))


@bp.post("/visits/<int:occurrence_id>/pairs/<int:number>/<any(approve, refuse):action>")
@login_required
@second_factor_required
def decide(occurrence_id: int, number: int, action: str):
    occurrence = _occurrence(occurrence_id)
    programme = occurrence.event.programme
    if not access.can_run_visits(_me(), programme):
        abort(404)
    operation = visits.approve if action == "approve" else visits.refuse
    act(lambda: operation(_me(), occurrence, number, utcnow()),
        _l("The visitors are asked to confirm.") if action == "approve"
        else _l("The proposed pair is set aside."))
    return redirect(url_for("visits.rota", slug=programme.slug))


@bp.get("/my/visits")
@login_required
@no_store
def mine():
    signups = list(db.session.scalars(select(Signup).join(Occurrence).join(Event).where(
        Signup.user_id == _me().id, Event.kind == "visit",
        Signup.status.in_((SignupStatus.asked, SignupStatus.confirmed)))
        .options(selectinload(Signup.occurrence).selectinload(Occurrence.event))
        .order_by(Occurrence.starts_at.desc())))
    partners = _pairs([s.occurrence for s in signups])
    return render_template("scheduling/visits/mine.html", signups=signups, partners=partners,
                           now=utcnow(), centres=DETENTION_CENTRES, form=forms.ActionForm())


@bp.post("/my/visits/<int:signup_id>/<any(confirm, decline):action>")
@login_required
def answer(signup_id: int, action: str):
    signup = db.session.get(Signup, signup_id)
    if signup is None or not access.owns_signup(_me(), signup):
        abort(404)
    operation = visits.confirm if action == "confirm" else visits.decline
    act(lambda: operation(_me(), signup, utcnow()),
        _l("Thank you: the visit is confirmed.") if action == "confirm"
        else _l("Noted: the coordinators will find another visitor."))
    return redirect(url_for("visits.mine"))


@bp.route("/visits/<int:occurrence_id>/report", methods=["GET", "POST"])
@login_required
@second_factor_required  # staff reading it; a visitor without a membership is not asked
@no_store
def report(occurrence_id: int):
    occurrence = _occurrence(occurrence_id)
    mine = db.session.scalar(select(Signup).where(Signup.occurrence_id == occurrence.id,
                                                  Signup.user_id == _me().id))
    number = mine.pair if mine is not None and mine.pair else 1
    pair = _pairs([occurrence]).get(occurrence.id, {}).get(number, [])
    if not access.can_read_visit_report(_me(), occurrence.event.programme, pair):
        abort(404)
    existing = visits.report_of(occurrence, number)
    form = forms.ReportForm(obj=existing)
    if form.validate_on_submit():
        try:
            visits.write_report(_me(), occurrence, visits.Report(
                form.people_met.data, form.themes.data, form.text.data or ""), utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("The visit report is saved."), "success")
            return redirect(url_for("visits.report", occurrence_id=occurrence.id))
    return render_template("scheduling/visits/report.html", occurrence=occurrence,
                           form=form, existing=existing, pair=pair,
                           centres=DETENTION_CENTRES, themes=visits.THEMES,
                           may_write=mine is not None)


@bp.get("/visits/programmes/<slug>/summary")
@login_required
@second_factor_required
@no_store
def summary(slug: str):
    programme = _programme(slug)
    return render_template("scheduling/visits/summary.html", programme=programme,
                           rows=sorted(visits.summary(programme).items()),
                           themes=visits.THEMES, centres=DETENTION_CENTRES)
