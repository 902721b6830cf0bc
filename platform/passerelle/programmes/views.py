from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from passerelle.accounts.twofactor.gate import second_factor_required
from passerelle.core import access
from passerelle.core.errors import DomainError
from passerelle.core.languages import language_name
from passerelle.core.security_headers import no_store
from passerelle.core.skills import SKILLS
from passerelle.core.time import BRUSSELS, as_utc, today_in_brussels, utcnow
from passerelle.core.web import act, form_error
from passerelle.core.week import bit, weekly_grid_options
from passerelle.data import places
from passerelle.extensions import db
from passerelle.organisations import queries
from passerelle.programmes import broadcast, defaults, forms, services, sessions, setup, steps
from passerelle.programmes.eligibility import age_on, conduct_valid_until, gaps
from passerelle.programmes.models import (
    Application,
    ApplicationStatus,
    Training,
)
from passerelle.programmes.queue_rows import queue_rows
from passerelle.programmes.reasons import explain, localized_training_names
from passerelle.programmes.standings import standings_of
from passerelle.volunteers import services as volunteers
from passerelle.volunteers.choices import GUEST_KINDS, INTERESTS, LEVELS, SECTORS

bp = Blueprint("programmes", __name__)


def _me():
    return current_user._get_current_object()


# Volunteers ---------------------------------------------------------------------------

@bp.post("/programmes/<slug>/apply")
@login_required
def apply(slug: str):
    programme = queries.programme_by_slug(slug) or abort(404)
    form = forms.ApplyForm()
    back = url_for("organisations.programme", slug=slug, need=form.need_id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(back)
    try:
        application = services.apply(_me(), programme, form.motivation.data or "", utcnow(),
                                     need_id=form.need_id)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back)
    services.refresh_status(application, utcnow())
    flash(_l("Your application is sent. The coordinators will contact you."), "success")
    return redirect(url_for("programmes.my_applications"))


@bp.get("/applications/")
@login_required
def my_applications():
    today, me = today_in_brussels(), _me()
    applications = services.applications_of(me)
    trainings = services.trainings_by_programme([a.programme_id for a in applications])
    standings = standings_of(applications, trainings, today)
    offers = sessions.offers_for(me, applications, trainings, utcnow())
    names = localized_training_names(trainings, str(get_locale()))
    rows = [(application, [explain(f, names) for f in gaps(standings[application.id])],
             offers[application.id], _conduct_seen(standings[application.id]))
            for application in applications]
    return render_template("programmes/my_applications.html", rows=rows,
                           withdraw_form=forms.WithdrawForm())


def _conduct_seen(standing) -> tuple | None:
    """The certificate of good conduct's issue date and last valid day, when the programme
    asks for one and a coordinator recorded it."""
    if not standing.conduct_required or standing.conduct_issued_on is None:
        return None
    return standing.conduct_issued_on, conduct_valid_until(standing.conduct_issued_on,
                                                           standing.conduct_expires_on)


def _own_application(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or not access.owns_application(current_user, application):
        abort(404)
    return application


@bp.route("/applications/<int:application_id>/charter", methods=["GET", "POST"])
@login_required
def sign_charter(application_id: int):
    application = _own_application(application_id)
    charter = services.current_charter(application.programme) or abort(404)
    form = forms.SignCharterForm(version=charter.version)
    if form.validate_on_submit():
        try:
            services.sign_charter(_me(), application, form.version.data, utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("Thank you: the charter is signed."), "success")
            return redirect(url_for("programmes.my_applications"))
    return render_template("programmes/charter.html", application=application,
                           charter=charter, form=form)


@bp.post("/applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    application = _own_application(application_id)
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        act(lambda: services.withdraw(_me(), application, form.reason.data or "", utcnow()),
            _l("You have withdrawn from this programme."))
    return redirect(url_for("programmes.my_applications"))


# Coordinators -------------------------------------------------------------------------

@bp.get("/coordination/")
@login_required
@second_factor_required
def coordination():
    programmes = queries.coordinated_programmes(_me())
    return render_template("programmes/coordination.html",
                           rows=[(p, services.status_counts(p)) for p in programmes])


def _coordinated(slug: str):
    programme = queries.programme_by_slug(slug) or abort(404)
    if not access.can_coordinate_programme(_me(), programme):
        abort(404)
    return programme


@bp.get("/programmes/<slug>/applications")
@no_store
@login_required
@second_factor_required
def queue(slug: str):
    programme = _coordinated(slug)
    status = request.args.get("status") or None
    if status and status not in ApplicationStatus.__members__:
        flash(_l("Choose a status from the list."), "error")
        status = None
    sort = request.args.get("sort") or "applied"
    if sort not in services.QUEUE_SORTS:
        sort = "applied"
    form = forms.QueueFilterForm(request.args)
    search = (form.q.data or "") if form.validate() else ""
    page = services.queue(programme, status, search, sort,
                          max(request.args.get("page", 1, type=int) or 1, 1))
    return render_template("programmes/queue.html", programme=programme, status=status,
                           found=page, sort=sort, search=search, form=form,
                           args={"slug": programme.slug, "status": status, "q": search or None,
                                 "sort": sort},
                           counts=services.status_counts(programme),
                           statuses=list(ApplicationStatus),
                           rows=queue_rows(page, str(get_locale())))


def _place_label(refnis: str | None) -> str:
    return places.label_of(refnis, str(get_locale()))


def _reviewed(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or not access.can_coordinate_programme(_me(),
                                                                   application.programme):
        abort(404)
    return application


def _review_forms(application: Application, locale: str) -> dict:
    rules = services.requirements_of(application.programme)
    return {
        "interview": forms.InterviewForm(prefix="interview"),
        "screening": forms.ScreeningForm(prefix="screening"),
        "training": forms.TrainingDoneForm(prefix="training", locale=locale,
                                           trainings=services.trainings_of(
                                               application.programme)),
        "accreditation": forms.AccreditationForm(prefix="accreditation",
                                                 places=rules.accreditation_places),
        "conduct": forms.ConductForm(prefix="conduct"),
        "suspend": forms.SuspendForm(prefix="suspend"),
    }


@bp.get("/applications/<int:application_id>/review")
@no_store
@login_required
@second_factor_required
def review(application_id: int):
    application = _reviewed(application_id)
    return _render_review(application, _review_forms(application, str(get_locale())))


def _review_state(application: Application, today):
    """What the programme asks, what the volunteer lacks, and the actions of this step."""
    rules = services.requirements_of(application.programme)
    trainings = services.trainings_by_programme([application.programme_id])
    findings = gaps(standings_of([application], trainings, today)[application.id])
    actions = steps.review_actions(
        application.status, services.has_passed_screening(application), rules.interview,
        application.interview_at is not None, bool(rules.accreditation_places), findings,
        good_conduct=bool(rules.good_conduct))
    return rules, trainings, findings, actions


def _render_review(application, review_forms, status=200):
    today, now = today_in_brussels(), utcnow()
    rules, trainings, findings, actions = _review_state(application, today)
    charter = services.current_charter(application.programme)
    issued = application.conduct_issued_on
    names = localized_training_names(trainings, str(get_locale()))
    profile = volunteers.profile_for_review(application.user)
    interview_at = as_utc(application.interview_at) if application.interview_at else None
    return render_template(
        "programmes/review.html", application=application, forms=review_forms,
        reasons=[explain(finding, names) for finding in findings], rules=rules,
        charter=charter, actions=actions, profile=profile,
        conduct_until=conduct_valid_until(issued, application.conduct_expires_on)
        if issued else None,
        age=age_on(profile.birth_date, today) if profile and profile.birth_date else None,
        availability=_availability(profile), levels=LEVELS, skills=SKILLS, sectors=SECTORS,
        interests=INTERESTS, guest_kinds=GUEST_KINDS, language_name=language_name,
        place_label=_place_label,
        interview_ahead=interview_at is not None and interview_at > now,
        next_application=services.next_in_queue(application),
        can_read_note=access.can_read_screening_note(_me(), application)), status


def _availability(profile) -> list[str]:
    """The day parts of the volunteer's week, as the weekly grid names them."""
    if profile is None:
        return []
    names = weekly_grid_options()
    return [label for key, label in names.items()
            if profile.availability_mask & bit(*(int(n) for n in key.split("-")))]


@bp.post("/applications/<int:application_id>/review/<action>")
@no_store
@login_required
@second_factor_required
def review_action(application_id: int, action: str):
    application = _reviewed(application_id)
    review_forms = _review_forms(application, str(get_locale()))
    form = review_forms.get(action)
    if form is None and action not in ("charter", "reinstate"):
        abort(404)
    if form is not None and not form.validate_on_submit():
        return _render_review(application, review_forms, 200)
    if action not in _review_state(application, today_in_brussels())[3]:
        flash(_l("This action does not fit the application's current step."), "error")
        return redirect(url_for("programmes.review", application_id=application.id))
    try:
        _perform(action, application, form)
    except DomainError as error:
        if form is not None and error.field:
            form_error(form, error)
            return _render_review(application, review_forms, 200)
        flash(error.message, "error")
    else:
        flash(_l("Saved."), "success")
    return redirect(url_for("programmes.review", application_id=application.id))


def _perform(action: str, application: Application, form) -> None:
    me, now = _me(), utcnow()
    if action == "interview":
        moment = form.moment.data.replace(tzinfo=BRUSSELS)
        services.plan_interview(me, application, moment, now)
    elif action == "screening":
        services.record_screening(me, application, form.outcome.data == "passed",
                                  form.note.data or "", now)
    elif action == "charter":
        services.record_charter_on_paper(me, application, now)
    elif action == "training":
        training = db.session.get(Training, int(form.training.data))
        services.record_training(me, application, training, form.completed_on.data, now)
    elif action == "accreditation":
        services.grant_accreditation(me, application, form.place.data, form.granted_on.data,
                                     form.expires_on.data, now)
    elif action == "conduct":
        services.record_conduct(me, application, form.issued_on.data, form.expires_on.data,
                                now)
    elif action == "suspend":
        services.suspend(me, application, form.reason.data, now)
    elif action == "reinstate":
        services.reinstate(me, application, now)


# Programme set-up -----------------------------------------------------------------------

def _programme_data(form: forms.ProgrammeForm) -> setup.ProgrammeData:
    return setup.ProgrammeData(
        kind=form.kind.data,
        texts={name: getattr(form, name).data for name in setup.TEXT_FIELDS},
        cities=form.cities.keys,
        interview=form.interview.data, charter=form.charter.data,
        minimum_age=form.minimum_age.data,
        accreditation_places=form.accreditation_places.data,
        good_conduct=form.good_conduct.data,
        settings={key: getattr(form, key).data for key in forms.ProgrammeForm.SETTINGS},
        audiences=form.audiences.data,
        platform_settings={key: getattr(form, key).data
                           for key in forms.ProgrammeForm.PLATFORM_SETTINGS})


@bp.route("/programmes/<slug>/settings", methods=["GET", "POST"])
@login_required
@second_factor_required
def settings(slug: str):
    programme = _coordinated(slug)
    form = forms.ProgrammeForm(data=_programme_initial(programme),
                               foreign_places=_foreign(programme))
    if form.validate_on_submit():
        setup.update_programme(programme, _programme_data(form), utcnow())
        flash(_l("The programme is saved."), "success")
        return redirect(url_for("programmes.settings", slug=slug))
    return _render_settings(programme, form=form)


@bp.post("/programmes/<slug>/charter")
@login_required
@second_factor_required
def publish_charter(slug: str):
    programme = _coordinated(slug)
    form = forms.CharterForm(prefix="charter")
    if form.validate_on_submit():
        setup.publish_charter(programme, {f"body_{c}": getattr(form, f"body_{c}").data
                                          for c in ("fr", "nl", "en")}, form.valid_months.data,
                              utcnow())
        flash(_l("The new charter version is published."), "success")
        return redirect(url_for("programmes.settings", slug=slug))
    return _render_settings(programme, charter_form=form)


@bp.post("/programmes/<slug>/trainings")
@login_required
@second_factor_required
def add_training(slug: str):
    programme = _coordinated(slug)
    form = forms.TrainingForm(prefix="training")
    if form.validate_on_submit():
        setup.add_training(programme, {f"name_{c}": getattr(form, f"name_{c}").data
                                       for c in ("fr", "nl", "en")}, form.valid_months.data)
        flash(_l("The training is added."), "success")
        return redirect(url_for("programmes.settings", slug=slug))
    return _render_settings(programme, training_form=form)


def _foreign(programme) -> list[str]:
    return [key for key in programme.cities if places.by_refnis(key) is None]


def _programme_initial(programme) -> dict:
    rules = services.requirements_of(programme)
    locale = str(get_locale())
    return {name: getattr(programme, name) for name in setup.TEXT_FIELDS} | {
        "cities": ", ".join(places.label_of(key, locale) for key in programme.cities),
        "kind": programme.kind, "interview": rules.interview, "charter": rules.charter,
        "minimum_age": rules.minimum_age, "accreditation_places": rules.accreditation_places,
        "good_conduct": rules.good_conduct,
    } | {key: programme.facts.get(key) for key in forms.ProgrammeForm.SETTINGS} | {
        "audiences": programme.audiences,
    } | {key: defaults.value_of(programme.kind, programme.platform_settings, key)
         for key in forms.ProgrammeForm.PLATFORM_SETTINGS}


def _render_settings(programme, **forms_shown):
    """The settings page; each form is the one submitted (with its errors) or a fresh one."""
    context = {
        "form": forms.ProgrammeForm(formdata=None, data=_programme_initial(programme),
                                    foreign_places=_foreign(programme)),
        "charter_form": forms.CharterForm(prefix="charter", formdata=None),
        "training_form": forms.TrainingForm(prefix="training", formdata=None),
    } | forms_shown
    return render_template("programmes/settings.html", programme=programme,
                           charter=services.current_charter(programme),
                           trainings=services.trainings_of(programme), **context)


@bp.route("/organisations/<slug>/programmes/new", methods=["GET", "POST"])
@login_required
@second_factor_required
def new_programme(slug: str):
    organisation = queries.organisation_by_slug(slug) or abort(404)
    if not access.can_manage_people(_me(), organisation):
        abort(404)
    form = forms.ProgrammeForm()
    if form.validate_on_submit():
        try:
            programme = setup.create_programme(
                organisation, queries.new_programme_slug(organisation, form.name_en.data),
                _programme_data(form), utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("The programme is created."), "success")
            return redirect(url_for("programmes.settings", slug=programme.slug))
    return render_template("programmes/new.html", organisation=organisation, form=form)


@bp.post("/programmes/<slug>/delete")
@login_required
@second_factor_required
def delete(slug: str):
    programme = _coordinated(slug)
    try:
        setup.delete_programme(programme)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("programmes.settings", slug=slug))
    flash(_l("The programme is deleted."), "success")
    return redirect(url_for("organisations.organisation", slug=programme.organisation.slug))


# Training sessions ----------------------------------------------------------------------

def _coordinated_training(slug: str, training_id: int) -> Training:
    programme = _coordinated(slug)
    training = db.session.get(Training, training_id)
    if training is None or training.programme_id != programme.id:
        abort(404)
    return training


@bp.route("/programmes/<slug>/trainings/<int:training_id>", methods=["GET", "POST"])
@login_required
@second_factor_required
def training_sessions(slug: str, training_id: int):
    training = _coordinated_training(slug, training_id)
    form = forms.SessionForm()
    if form.validate_on_submit():
        starts = datetime.combine(form.day.data, form.start.data, BRUSSELS)
        ends = datetime.combine(form.day.data, form.end.data, BRUSSELS)
        try:
            sessions.schedule(training, starts, ends, form.place.data, form.capacity.data,
                              utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("The session is scheduled."), "success")
            return redirect(request.path)
    return render_template("programmes/training_sessions.html", training=training, form=form,
                           sessions=sessions.all_sessions(training))


# Writing to a programme's volunteers --------------------------------------------------

def _audiences() -> list[tuple[str, str]]:
    return [(broadcast.EVERYONE, str(_l("All the volunteers (not those not retained)")))] + [
        (status, str(_l("Only: %(status)s", status=ApplicationStatus(status).label)))
        for status in broadcast.AUDIENCES if status != broadcast.EVERYONE]


def _news_of(form: forms.NewsForm) -> broadcast.News:
    return broadcast.News(
        audience=form.to.data, subject=form.subject.data or "", body=form.body.data or "",
        by_language={locale: (getattr(form, f"subject_{locale}").data or "",
                              getattr(form, f"body_{locale}").data or "")
                     for locale in broadcast.LOCALES})


@bp.route("/programmes/<slug>/news", methods=["GET", "POST"])
@login_required
@second_factor_required
def news(slug: str):
    """Counted first (a confirm step that keeps what was typed), then sent."""
    programme = _coordinated(slug)
    form = forms.NewsForm(audiences=_audiences())
    counted = None
    if form.validate_on_submit():
        news_data = _news_of(form)
        try:
            if request.form.get("step") == "send" and broadcast.is_batch(form.batch.data):
                sent = broadcast.send(_me(), programme, news_data, form.batch.data, utcnow())
                flash(_l("The message is on its way to %(count)d volunteer(s), each in their "
                         "own mail.", count=sent), "success")
                return redirect(url_for("programmes.news", slug=slug))
            counted = broadcast.check(_me(), programme, news_data)
            form.batch.data = broadcast.new_batch()
        except DomainError as error:
            form_error(form, error)
    return render_template("programmes/news.html", programme=programme, form=form,
                           counted=counted)
