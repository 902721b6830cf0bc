"""Pages of sign-ups: sign up, cancel, the coordinator's check-in list, one's hours, an
organisation's hours as CSV. Thin: the services decide, core/access.py allows."""

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from passerelle.accounts.models import User
from passerelle.accounts.twofactor.gate import second_factor_required
from passerelle.core import access
from passerelle.core.errors import DomainError
from passerelle.core.routing import ID_MAX
from passerelle.core.time import today_in_brussels, utcnow
from passerelle.core.web import act, form_error, safe_next
from passerelle.extensions import db
from passerelle.organisations.models import Organisation
from passerelle.scheduling import roles, signups
from passerelle.scheduling.models import Occurrence, Signup, SignupStatus
from passerelle.scheduling.signup_forms import (
    AssignForm,
    HoursRangeForm,
    MinutesForm,
    SignupForm,
)

bp = Blueprint("signups", __name__)


def _me():
    return current_user._get_current_object()


def _back(occurrence_id: int):
    """To the page the form came from (`next`, on this site: the volunteer's applications
    page for a training session), else to the occurrence's page."""
    return redirect(safe_next(request.form.get("next"))
                    or url_for("scheduling.occurrence", occurrence_id=occurrence_id))


def _occurrence(occurrence_id: int) -> Occurrence:
    return db.session.get(Occurrence, occurrence_id) or abort(404)


def role_choices(occurrence: Occurrence) -> list[tuple[int, str]]:
    locale = str(get_locale() or "fr")
    return [(role.id, roles.label(role.skill, role.language, locale))
            for role in occurrence.event.roles]


def signup_form(occurrence: Occurrence) -> SignupForm:
    form = SignupForm()
    form.role.choices = role_choices(occurrence)
    return form


def box(user, occurrence: Occurrence, form: SignupForm | None = None) -> dict:
    """What templates/scheduling/_signup.html reads, for the occurrence page (`form`: the
    one just refused, to show again)."""
    mine = db.session.scalar(select(Signup).where(Signup.occurrence_id == occurrence.id,
                                                  Signup.user_id == user.id))
    if form is None and access.can_sign_up(user, occurrence):
        form = signup_form(occurrence)
        if len(form.role.choices) == 1:  # one role: already chosen
            form.role.data = form.role.choices[0][0]
    holding = mine is not None and mine.status != SignupStatus.cancelled
    return {"my_signup": mine,
            "waitlist_number": signups.waitlist_number(mine) if holding else None,
            "signup_form": form,
            "overlapping": [] if holding else signups.overlaps(user, occurrence),
            "can_run": access.can_run_occurrence(user, occurrence)}


def _refused(occurrence: Occurrence, form: SignupForm):
    # The occurrence page's view imports this module: imported here, when both are loaded.
    from passerelle.scheduling.views import occurrence_page

    db.session.rollback()
    return occurrence_page(occurrence, signup_form=form, staff=False, status=400)


@bp.post("/occurrences/<int:occurrence_id>/signup")
@login_required
def sign_up(occurrence_id: int):
    occurrence = _occurrence(occurrence_id)
    if not access.can_sign_up(_me(), occurrence):
        abort(404)
    form = signup_form(occurrence)
    if not form.validate_on_submit():
        return _refused(occurrence, form)
    role = next(r for r in occurrence.event.roles if r.id == form.role.data)
    try:
        signup = signups.sign_up(_me(), occurrence, role, utcnow(), form.whole_series.data)
    except DomainError as error:
        if error.field == "role":
            form_error(form, error)
            return _refused(occurrence, form)
        flash(error.message, "error")
        return _back(occurrence.id)
    if signup.status == SignupStatus.waitlisted:
        flash(_l("Every place is taken: you are on the waitlist, number %(number)s.",
                 number=signups.waitlist_number(signup)), "success")
    else:
        flash(_l("You are signed up."), "success")
    for other in signups.overlaps(_me(), occurrence):
        flash(_l("Careful: this overlaps with %(event)s, which you are also signed up for.",
                 event=other.occurrence.event.text("title", str(get_locale()))), "warning")
    return _back(occurrence.id)


@bp.post("/signups/<int:signup_id>/cancel")
@login_required
def cancel(signup_id: int):
    signup = db.session.get(Signup, signup_id) or abort(404)
    if not (access.owns_signup(_me(), signup)
            or access.can_run_occurrence(_me(), signup.occurrence)):
        abort(404)
    act(lambda: signups.cancel(_me(), signup, utcnow()), _l("The sign-up is cancelled."))
    return _back(signup.occurrence_id)


@bp.route("/occurrences/<int:occurrence_id>/attendance", methods=["GET", "POST"])
@login_required
@second_factor_required
def attendance(occurrence_id: int):
    occurrence = _occurrence(occurrence_id)
    if not access.can_run_occurrence(_me(), occurrence):
        abort(404)
    forms = {}
    if request.method == "POST":
        signup_id = request.form.get("signup", type=int) or 0
        signup = db.session.get(Signup, signup_id) if 0 < signup_id <= ID_MAX else None
        if signup is None or signup.occurrence_id != occurrence.id:
            abort(404)
        action = request.form.get("action")
        if action == "minutes":
            form = MinutesForm()
            forms[signup.id] = form
            if form.validate_on_submit():
                try:
                    signups.record_hours(_me(), signup, form.minutes.data)
                    flash(_l("Minutes recorded."), "success")
                    return redirect(url_for("signups.attendance", occurrence_id=occurrence.id))
                except DomainError as error:
                    form.minutes.errors = [*form.minutes.errors, error.message]
        elif action in ("check_in", "no_show"):
            operation = signups.check_in if action == "check_in" else signups.no_show
            act(lambda: operation(_me(), signup, utcnow()), _l("Recorded."))
            return redirect(url_for("signups.attendance", occurrence_id=occurrence.id))
    status = 400 if any(f.errors for f in forms.values()) else 200
    return _attendance_page(occurrence, forms, None, status)


def _assign_form(occurrence: Occurrence, formdata=None) -> AssignForm:
    form = AssignForm(formdata=formdata, prefix="assign")
    form.person.choices = [(0, "—"), *signups.assignable(occurrence)]
    form.role.choices = role_choices(occurrence)
    if len(form.role.choices) == 1 and form.role.data is None:
        form.role.data = form.role.choices[0][0]
    return form


def _attendance_page(occurrence: Occurrence, forms: dict, assign_form: AssignForm | None,
                     status: int):
    rows = list(db.session.scalars(select(Signup).where(
        Signup.occurrence_id == occurrence.id,
        Signup.status != SignupStatus.cancelled).options(selectinload(Signup.user))
        .order_by(Signup.status, Signup.since)))
    length = int((occurrence.ends_at - occurrence.starts_at).total_seconds() // 60)
    for row in rows:
        # What is recorded, else the occurrence's length: most stay the whole time.
        form = forms.get(row.id) or MinutesForm(
            formdata=None, minutes=length if row.minutes is None else row.minutes)
        form.minutes.id = form.minutes.label.field_id = f"minutes-{row.id}"
        forms[row.id] = form
    if assign_form is None and occurrence.starts_at > utcnow() and not occurrence.cancelled:
        assign_form = _assign_form(occurrence)
    return render_template("scheduling/signups/attendance.html", occurrence=occurrence,
                           event=occurrence.event, rows=rows, forms=forms,
                           assign_form=assign_form), status


@bp.post("/occurrences/<int:occurrence_id>/assign")
@login_required
@second_factor_required
def assign(occurrence_id: int):
    """The coordinator gives a volunteer a place directly (never over the role's places)."""
    occurrence = _occurrence(occurrence_id)
    if not access.can_run_occurrence(_me(), occurrence):
        abort(404)
    form = _assign_form(occurrence, request.form)
    if form.validate_on_submit():
        role = next(r for r in occurrence.event.roles if r.id == form.role.data)
        person = db.session.get(User, form.person.data)
        try:
            signups.assign(_me(), occurrence, role, person, utcnow())
        except DomainError as error:
            db.session.rollback()
            form_error(form, error)
        else:
            flash(_l("%(name)s has a place.", name=person.name), "success")
            return redirect(url_for("signups.attendance", occurrence_id=occurrence.id))
    return _attendance_page(occurrence, {}, form, 400)


@bp.get("/my/hours")
@login_required
def my_hours():
    rows = signups.hours_of(_me())
    return render_template("scheduling/signups/my_hours.html", rows=rows,
                           total=sum(row.minutes for row in rows))


def _staff_organisation(slug: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None or not access.is_staff(_me(), organisation):
        abort(404)
    return organisation


@bp.get("/organisations/<slug>/hours")
@login_required
@second_factor_required
def hours(slug: str):
    """The export's page: from and to (this year so far when left empty)."""
    organisation = _staff_organisation(slug)
    return render_template("scheduling/signups/hours_range.html", organisation=organisation,
                           form=HoursRangeForm(formdata=None))


@bp.get("/organisations/<slug>/hours.csv")
@login_required
@second_factor_required
def hours_csv(slug: str):
    organisation = _staff_organisation(slug)
    form = HoursRangeForm(request.args)
    if not form.validate():
        return render_template("scheduling/signups/hours_range.html", form=form,
                               organisation=organisation), 400
    today = today_in_brussels()
    first = form.first.data or date(today.year, 1, 1)
    last = form.last.data or today
    text = signups.hours_csv(organisation, first, last, str(get_locale() or "fr"))
    name = f"hours-{organisation.slug}-{first}-{last}.csv"
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
