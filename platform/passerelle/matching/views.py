from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from passerelle.accounts.models import User
from passerelle.accounts.twofactor.gate import second_factor_required
from passerelle.core import access, audit
from passerelle.core.errors import DomainError
from passerelle.core.routing import bounded_id
from passerelle.core.security_headers import no_store
from passerelle.core.time import today_in_brussels, utcnow
from passerelle.core.web import act, form_error, submit
from passerelle.extensions import db
from passerelle.matching import for_volunteers, forms, scoring, services
from passerelle.matching import pool as pools
from passerelle.matching import queries as matching_queries
from passerelle.matching.match_page import match_view
from passerelle.matching.models import BatchKind, Match, MatchBatch, MatchStatus, Objective
from passerelle.matching.reasons import part_title, rule_title
from passerelle.matching.rows import candidate_rows, excluded_rows
from passerelle.needs.models import Need
from passerelle.organisations import queries
from passerelle.organisations.models import ProgrammeKind

bp = Blueprint("matching", __name__)
EXCLUDED_PER_PAGE = 50


def _me() -> User:
    return current_user._get_current_object()


def _locale() -> str:
    return str(get_locale())


# A need's candidates ------------------------------------------------------------------------

def _need(need_id: int) -> Need:
    need = db.session.get(Need, need_id)
    if need is None or not access.can_propose_for(_me(), need):
        abort(404)
    return need


@bp.get("/needs/<int:need_id>/candidates")
@no_store
@login_required
@second_factor_required
def candidates(need_id: int):
    need, me, today = _need(need_id), _me(), today_in_brussels()
    ranking = services.rank(need, today)
    shown_rule = request.args.get("excluded") or None
    if shown_rule and shown_rule not in dict(ranking.counts):
        shown_rule = None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    person = need.person if access.sees_person_of(me, need) else None
    if person is not None:
        audit.record_read(me, person, utcnow(), page="candidates")
        db.session.commit()
    group = ranking.excluded.get(shown_rule, []) if shown_rule else []
    group = group[(page - 1) * EXCLUDED_PER_PAGE:page * EXCLUDED_PER_PAGE + 1]
    return render_template(
        "matching/candidates.html", need=need, person=person, ranking=ranking,
        rows=candidate_rows(ranking.top, _locale()),
        counts=[(rule, rule_title(rule), count) for rule, count in ranking.counts],
        shown_rule=shown_rule, shown_title=rule_title(shown_rule) if shown_rule else "",
        excluded=excluded_rows(group[:EXCLUDED_PER_PAGE], need.programme, _locale()),
        page=page, more=len(group) > EXCLUDED_PER_PAGE,
        matches=matching_queries.matches_of_need(need), propose_form=forms.ProposeForm(),
        exclude_form=forms.ExcludeForm(), can_decide=access.can_coordinate_programme(
            me, need.programme))


@bp.post("/needs/<int:need_id>/propose")
@login_required
@second_factor_required
def propose(need_id: int):
    need = _need(need_id)
    form = forms.ProposeForm()
    if not form.validate_on_submit():
        flash(_l("Choose a volunteer from the list."), "error")
        return redirect(url_for("matching.candidates", need_id=need.id))
    try:
        match = services.propose(_me(), need, form.volunteer.data, utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("matching.candidates", need_id=need.id))
    flash(_l("Proposed: a coordinator approves it, then the volunteer answers."), "success")
    return redirect(url_for("matching.match", match_id=match.id))


@bp.post("/needs/<int:need_id>/exclude")
@login_required
@second_factor_required
def exclude(need_id: int):
    need = _need(need_id)
    form = forms.ExcludeForm()
    if form.validate_on_submit():
        act(lambda: services.exclude(_me(), need.organisation, form.volunteer.data,
                                     form.reason.data, utcnow()),
            _l("This person will not be proposed for your organisation's needs."))
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
    return redirect(url_for("matching.candidates", need_id=need.id))


# A match ------------------------------------------------------------------------------------

def _match(match_id: int) -> Match:
    match = db.session.get(Match, match_id)
    if match is None or not access.can_see_match(_me(), match):
        abort(404)
    return match


# Staff pass the second factor; a volunteer with no membership is not asked for one.
@bp.get("/matches/<int:match_id>")
@no_store
@login_required
@second_factor_required
def match(match_id: int):
    found = _match(match_id)
    return _render_match(found)


def _render_match(found: Match, status: int = 200, **forms_shown):
    me = _me()
    deciding = access.can_decide_match(me, found) and not access.owns_match(me, found)
    forms_shown.setdefault("refuse_form", forms.ReasonForm(prefix="refuse"))
    forms_shown.setdefault("decline_form", forms.DeclineForm(prefix="decline"))
    forms_shown.setdefault("end_form", forms.EndForm(prefix="end"))
    following = []
    if deciding and found.status in (MatchStatus.declined, MatchStatus.lapsed) \
            and found.need.status == "open":
        # The next candidates, as the need's page ranks them.
        following = candidate_rows(services.rank(found.need, today_in_brussels(), 3).top,
                                   _locale())
    return render_template("matching/match.html", match=found, following=following,
                           view=match_view(me, found, utcnow(), _locale()),
                           deciding=deciding, answering=access.owns_match(me, found),
                           part_title=part_title, **forms_shown), status


@bp.post("/matches/<int:match_id>/<action>")
@login_required
@second_factor_required
def decide(match_id: int, action: str):
    found, me, now = _match(match_id), _me(), utcnow()
    back = url_for("matching.match", match_id=found.id)
    if action in ("approve", "refuse", "end"):
        if not access.can_decide_match(me, found):
            abort(404)
    elif action in ("accept", "decline"):
        if not access.owns_match(me, found):
            abort(404)
    else:
        abort(404)
    if action == "approve":
        act(lambda: services.approve(me, found, now),
            _l("Approved: the volunteer is asked to accept."))
    elif action == "accept":
        act(lambda: services.accept(me, found, now), _l("Thank you: the match is active."))
    elif action in ("refuse", "decline", "end"):
        form_class = {"refuse": forms.ReasonForm, "decline": forms.DeclineForm,
                      "end": forms.EndForm}[action]
        form = form_class(prefix=action)
        operation = {
            "refuse": lambda: services.refuse(me, found, form.reason.data, now),
            "decline": lambda: services.decline(me, found, form.reason.data or "", now),
            "end": lambda: services.end(me, found, form.reason.data, form.on.data, now),
        }[action]
        if not submit(form, operation):
            return _render_match(found, 200, **{f"{action}_form": form})
        flash({"refuse": _l("Refused."), "decline": _l("Declined: the coordinators are told."),
               "end": _l("The match has ended.")}[action], "success")
    return redirect(back)


# A volunteer's needs ------------------------------------------------------------------------

@bp.get("/my/matches")
@no_store
@login_required
def fits_me():
    me, now = _me(), utcnow()
    # The pools first: their logged reads commit, which would expire the needs read here.
    mine = pools.for_sponsor(me, now, _locale())
    page = for_volunteers.needs_for(me, now, _locale())
    return render_template("matching/fits_me.html", page=page, part_title=part_title,
                           pools=mine, sponsoring=pools.sponsor_programmes(me))


# A programme: batch, matches, weights ---------------------------------------------------------

def _coordinated(slug: str):
    programme = queries.programme_by_slug(slug) or abort(404)
    if not access.can_coordinate_programme(_me(), programme):
        abort(404)
    return programme


@bp.route("/programmes/<slug>/batch", methods=["GET", "POST"])
@no_store
@login_required
@second_factor_required
def new_batch(slug: str):
    programme = _coordinated(slug)
    form = forms.BatchForm()
    if form.validate_on_submit():
        try:
            batch = services.run_batch(_me(), programme, Objective(form.objective.data),
                                       utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            return redirect(url_for("matching.batch", batch_id=batch.id))
    return render_template("matching/new_batch.html", programme=programme, form=form,
                           batches=matching_queries.recent_batches(programme))


def _batch(batch_id: int) -> MatchBatch:
    batch = db.session.get(MatchBatch, batch_id)
    if batch is None or not access.can_coordinate_programme(_me(), batch.programme) or \
            batch.kind != BatchKind.matches:  # a duo batch's page is /duos/batches/<id>
        abort(404)
    return batch


@bp.get("/batches/<int:batch_id>")
@no_store
@login_required
@second_factor_required
def batch(batch_id: int):
    found = _batch(batch_id)
    return render_template("matching/batch.html", batch=found,
                           rows=matching_queries.batch_rows(found, _locale()),
                           uncovered=matching_queries.uncovered_rows(found, _locale()),
                           form=forms.ApproveBatchForm(), S=MatchStatus)


@bp.post("/batches/<int:batch_id>/approve")
@login_required
@second_factor_required
def approve_batch(batch_id: int):
    found = _batch(batch_id)
    form = forms.ApproveBatchForm()
    if form.validate_on_submit():
        chosen = [int(value) for value in request.form.getlist("match") if value.isdigit()]
        try:
            done, failed = services.approve_batch(_me(), found, chosen, utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_l("%(count)s approved.", count=done), "success")
            for match_, reason in failed:
                flash(_l("%(volunteer)s for \"%(need)s\": %(reason)s",
                         volunteer=match_.user.name,
                         need=match_.need.text("title", _locale()), reason=reason), "error")
    return redirect(url_for("matching.batch", batch_id=found.id))


@bp.post("/batches/<int:batch_id>/undo")
@login_required
@second_factor_required
def undo_batch(batch_id: int):
    found = _batch(batch_id)
    if forms.ApproveBatchForm().validate_on_submit():
        act(lambda: services.undo_batch(_me(), found, utcnow()),
            _l("The batch is undone: its proposals are withdrawn."))
    return redirect(url_for("matching.batch", batch_id=found.id))


@bp.get("/programmes/<slug>/matches")
@no_store
@login_required
@second_factor_required
def programme_matches(slug: str):
    programme = _coordinated(slug)
    status = request.args.get("status") or "proposed"
    if status not in MatchStatus.__members__:
        status = "proposed"
    ending = (matching_queries.duos_ending(programme, today_in_brussels())
              if programme.kind == ProgrammeKind.mentoring else None)
    return render_template("matching/programme_matches.html", programme=programme,
                           status=status, statuses=list(MatchStatus),
                           counts=matching_queries.status_counts(programme),
                           matches=matching_queries.matches_of_programme(programme, status),
                           ending=ending, pool=access.can_run_pool(_me(), programme))


@bp.route("/programmes/<slug>/matching", methods=["GET", "POST"])
@no_store
@login_required
@second_factor_required
def weights(slug: str):
    programme = _coordinated(slug)
    current = services.weights_of(programme)
    form = forms.WeightsForm(data={
        "answer_days": services.answer_days_of(programme),
        **{f"w_{part}": current.of(part) for part in scoring.PARTS},
        **{f"s_{part}": part in current.strong for part in scoring.PARTS}})
    if request.method == "POST":
        form = forms.WeightsForm()
        if request.form.get("reset") and form.validate_on_submit():
            services.reset_settings(programme)
            flash(_l("Back to the platform's defaults."), "success")
            return redirect(url_for("matching.weights", slug=slug))
        if form.validate_on_submit():
            try:
                services.save_settings(
                    _me(), programme,
                    {part: getattr(form, f"w_{part}").data for part in scoring.PARTS},
                    {part for part in scoring.PARTS if getattr(form, f"s_{part}").data},
                    form.answer_days.data, utcnow())
            except DomainError as error:
                form_error(form, error)
            else:
                flash(_l("Saved: rankings use these weights now."), "success")
                return redirect(url_for("matching.weights", slug=slug))
    return render_template("matching/weights.html", programme=programme, form=form,
                           defaults=scoring.defaults_for(programme.kind),
                           needs=matching_queries.open_needs_of(programme))


# A sponsorship pool (matching/pool.py) ------------------------------------------------------

def _pool(slug: str):
    programme = queries.programme_by_slug(slug) or abort(404)
    if not access.can_run_pool(_me(), programme):
        abort(404)
    return programme


def _id(value) -> int:
    return bounded_id(str(value or "")) or 0


def _render_pool(programme, form: forms.ContactForm):
    me, now = _me(), utcnow()
    rows = pools.pool_rows(me, programme, now, _locale())
    pick = ("", _l("Choose…"))
    form.family.choices = [pick] + [
        (str(row.need_id), row.first_name or row.title) for row in rows]
    form.sponsor.choices = [pick] + [
        (str(user_id), name) for user_id, name in pools.sponsor_choices(programme, now)]
    return render_template("matching/pool.html", programme=programme, rows=rows, form=form,
                           can_batch=access.can_coordinate_programme(me, programme))


@bp.get("/programmes/<slug>/pool")
@no_store
@login_required
@second_factor_required
def pool(slug: str):
    return _render_pool(_pool(slug), forms.ContactForm())


@bp.post("/programmes/<slug>/pool/contacts")
@login_required
@second_factor_required
def add_contact(slug: str):
    programme = _pool(slug)
    form = forms.ContactForm()
    if form.validate_on_submit():
        try:
            pools.add_contact(_me(), programme, _id(form.family.data), _id(form.sponsor.data),
                              utcnow())
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            flash(_l("The contact is recorded."), "success")
            return redirect(url_for("matching.pool", slug=programme.slug))
    return _render_pool(programme, form)


@bp.route("/programmes/<slug>/pool/met", methods=["GET", "POST"])
@no_store
@login_required
@second_factor_required
def met(slug: str):
    me = _me()
    programme = queries.programme_by_slug(slug) or abort(404)
    if not access.is_sponsor_in(me, programme):
        abort(404)
    form = forms.MetForm()
    if form.validate_on_submit():
        try:
            pools.record_met(me, programme, _id(form.family.data), utcnow())
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            flash(_l("Thank you: the contact is recorded."), "success")
            return redirect(url_for("matching.fits_me"))
    page = pools.met_page(me, programme, utcnow(), _locale())
    form.family.choices = [("", _l("Choose…"))] + [
        (str(need_id), name) for need_id, name in page.families]
    return render_template("matching/met.html", programme=programme, page=page, form=form)
