from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from passerelle.accounts.twofactor.gate import second_factor_required
from passerelle.core import access
from passerelle.core.errors import DomainError
from passerelle.core.i18n import translated
from passerelle.core.languages import language_name
from passerelle.core.routing import bounded_id
from passerelle.core.security_headers import no_store
from passerelle.core.skills import SKILLS
from passerelle.core.time import today_in_brussels, utcnow
from passerelle.core.web import act, form_error
from passerelle.data import places
from passerelle.hosting import services as hosting
from passerelle.needs import cards, forms, material, people, services
from passerelle.organisations import queries
from passerelle.volunteers.choices import GUEST_KINDS

bp = Blueprint("needs", __name__)


def _user():
    return current_user._get_current_object()


def _locale() -> str:
    return str(get_locale())


def _organisation(slug: str, allowed=access.can_manage_needs):
    """The organisation in the URL, if this person may use its page; else 404."""
    organisation = queries.organisation_by_slug(slug)
    if organisation is None or not allowed(current_user, organisation):
        abort(404)
    return organisation


def _place_label(refnis: str | None) -> str:
    return places.label_of(refnis, _locale())


def _render(template: str, **context):
    """Render with what the pages of this feature use to show places, languages and times."""
    return render_template(template, place_label=_place_label, language_name=language_name,
                           skills=translated(SKILLS), grid_of=services.grid_of, **context)


# The public page

@bp.get("/help")
def help_page():
    form = forms.HelpFilterForm(request.args)
    found = None
    if not request.args or form.validate():
        found = services.open_needs(
            today_in_brussels(), kind=form.kind.data or None, near=form.place.place,
            within_km=int(form.within.data or 25), sort=form.sort.data,
            page=request.args.get("page", 1, type=int))
    memberships = access.memberships_of(current_user)
    return render_template("needs/help.html", form=form, found=found, memberships=memberships,
                           cards=cards.help_cards(found.items if found else [], _locale()),
                           args=_args_without_page())


def _args_without_page() -> dict:
    """The query string of a list, for the links to its other pages."""
    return {key: value for key, value in request.args.items() if key != "page"}


# Needs, for the organisation's staff

@bp.get("/organisations/<slug>/needs")
@login_required
@second_factor_required
def needs(slug: str):
    organisation = _organisation(slug)
    found = services.needs_of(_user(), organisation, request.args.get("page", 1, type=int))
    return render_template("needs/needs.html", organisation=organisation, args={"slug": slug},
                           needs=found, rows=cards.staff_rows(found.items, slug, _locale()))


@bp.route("/organisations/<slug>/needs/new", methods=["GET", "POST"])
@no_store
@login_required
@second_factor_required
def new_need(slug: str):
    organisation = _organisation(slug)
    form, shown = _need_form(forms.NeedForm, organisation)
    if request.method == "GET" and request.args.get("person") and form.person:
        form.person.data = request.args["person"]  # from the person's page
    if form.validate_on_submit():
        try:
            services.create_need(_user(), organisation, _need_data(form), utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("The need is posted."), "success")
            return redirect(url_for("needs.needs", slug=slug))
    return _render_need_form(form, shown, organisation, None)


@bp.route("/organisations/<slug>/needs/<int:need_id>/edit", methods=["GET", "POST"])
@no_store
@login_required
@second_factor_required
def edit_need(slug: str, need_id: int):
    organisation = _organisation(slug)
    need = services.need_of(_user(), organisation, need_id)
    form, shown = _need_form(forms.EditNeedForm, organisation, need)
    if form.validate_on_submit():
        try:
            services.update_need(_user(), need, _need_data(form), utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("The need is saved."), "success")
            return redirect(url_for("needs.needs", slug=slug))
    return _render_need_form(form, shown, organisation, need)


@bp.post("/organisations/<slug>/needs/<int:need_id>/close")
@login_required
@second_factor_required
def close_need(slug: str, need_id: int):
    organisation = _organisation(slug)
    services.close_need(_user(), services.need_of(_user(), organisation, need_id))
    flash(_l("The need is closed."), "success")
    return redirect(url_for("needs.needs", slug=slug))


def _need_form(form_class, organisation, need=None):
    data = None
    if need is not None:
        data = {
            "programme": str(need.programme_id or ""), "people_needed": need.people_needed,
            "languages": need.languages, "skills": need.skills,
            "place": _place_label(need.place_refnis), "starts_on": need.starts_on,
            "ends_on": need.ends_on, "schedule": services.grid_of(need),
            "urgency": need.urgency.value, "person": str(need.person_id or ""),
            "status": need.status.value, "language_level": str(need.language_level),
            "day_parts": need.day_parts, "sector": need.sector or "",
            "interests": need.interests or [], "centre": need.centre or "",
        } | {name: getattr(need, name) for name in services.TEXT_FIELDS}
    choices = people.choices_for_needs(_user(), organisation)
    form = form_class(data=data, locale=_locale(),
                      programmes=services.programmes_for_needs(organisation), people=choices)
    return form, choices or []


def _render_need_form(form, shown, organisation, need):
    """The form shows the first names of `shown`: each is a logged read, made as it is shown."""
    people.shown_in_need_form(_user(), shown, utcnow())
    return _render("needs/need_form.html", form=form, organisation=organisation, need=need)


def _need_data(form) -> services.NeedData:
    return services.NeedData(
        programme_id=int(form.programme.data),
        texts={name: form[name].data or "" for name in services.TEXT_FIELDS},
        people_needed=form.people_needed.data,
        languages=form.languages.data, skills=form.skills.data, place=form.place.place,
        starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        grid=[tuple(int(n) for n in key.split("-")) for key in form.schedule.data],
        urgency=form.urgency.data,
        person_id=int(form.person.data) if form.person and form.person.data else None,
        status=form.status.data if hasattr(form, "status") else "open",
        language_level=int(form.language_level.data), day_parts=form.day_parts.data,
        sector=form.sector.data or None, interests=form.interests.data,
        centre=form.centre.data or None)


# The people the organisation supports

@bp.get("/organisations/<slug>/supported")
@no_store
@login_required
@second_factor_required
def people_list(slug: str):
    organisation = _organisation(slug, access.works_for)
    own, referred = people.listed_for(_user(), organisation, utcnow())
    return _render("needs/people.html", organisation=organisation, own=own, referred=referred)


@bp.route("/organisations/<slug>/supported/new", methods=["GET", "POST"])
@no_store
@login_required
@second_factor_required
def new_person(slug: str):
    organisation = _organisation(slug, access.can_register_people)
    form = _person_form(organisation)
    if form.validate_on_submit():
        try:
            person = people.register(_user(), organisation, _person_data(form), utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("The record is saved."), "success")
            return redirect(url_for("needs.person", person_id=person.id))
    return _render("needs/person_form.html", form=form, organisation=organisation, person=None)


@bp.get("/supported/<int:person_id>")
@no_store
@login_required
@second_factor_required
def person(person_id: int):
    record = people.read(_user(), person_id, utcnow())
    log_page = max(request.args.get("log_page", 1, type=int) or 1, 1)
    log, older = people.log_of(_user(), record, log_page)
    return _render("needs/person.html", person=record, log=log, log_page=log_page,
                   older=older, can_change=access.can_change_person(current_user, record),
                   needs=people.needs_for(record),
                   trajectories=hosting.trajectories_of_person(_user(), record),
                   guest_kinds=GUEST_KINDS)


@bp.route("/supported/<int:person_id>/edit", methods=["GET", "POST"])
@no_store
@login_required
@second_factor_required
def edit_person(person_id: int):
    record = people.open_for_change(_user(), person_id, utcnow())
    form = _person_form(record.organisation, record)
    if form.validate_on_submit():
        try:
            people.update(_user(), record, _person_data(form), utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("The record is saved."), "success")
            return redirect(url_for("needs.person", person_id=record.id))
    return _render("needs/person_form.html", form=form,
                   organisation=record.organisation, person=record)


@bp.post("/supported/<int:person_id>/delete")
@login_required
@second_factor_required
def delete_person(person_id: int):
    organisation = people.remove(_user(), person_id, utcnow())
    flash(_l("The record is deleted."), "success")
    return redirect(url_for("needs.people_list", slug=organisation.slug))


def _person_form(organisation, person=None):
    if person is None:
        # The organisation's longest retention; staff shorten it when they need less.
        data = {"waiting_since": today_in_brussels(),
                "delete_after": people.retention_limit(organisation, today_in_brussels())}
    else:
        data = {
            "first_name": person.first_name, "languages": person.languages,
            "household_size": person.household_size, "place": _place_label(person.place_refnis),
            "needs": person.needs, "waiting_since": person.waiting_since,
            "isolated": person.isolated, "no_outside_contact": person.no_outside_contact,
            "referred_by": str(person.referred_by_id or ""),
            "referred_to": str(person.referred_to_id or ""), "delete_after": person.delete_after,
            "housing_from": person.housing_from, "housing_until": person.housing_until,
            "guest_kind": person.guest_kind or "", "phase": person.phase or "",
        }
    return forms.PersonForm(data=data, locale=_locale(),
                            max_months=organisation.max_retention_months,
                            partners=people.partner_organisations(organisation),
                            referral_programmes=people.referral_programmes(organisation))


def _person_data(form) -> people.PersonData:
    return people.PersonData(
        first_name=form.first_name.data, languages=form.languages.data,
        household_size=form.household_size.data, place=form.place.place,
        needs=form.needs.data or "", waiting_since=form.waiting_since.data,
        isolated=form.isolated.data, no_outside_contact=form.no_outside_contact.data,
        referred_by_id=int(form.referred_by.data) if form.referred_by.data else None,
        referred_to_id=int(form.referred_to.data) if form.referred_to.data else None,
        delete_after=form.delete_after.data, housing_from=form.housing_from.data,
        housing_until=form.housing_until.data, guest_kind=form.guest_kind.data or None,
        phase=form.phase.data or None)


# Material offers, for the person who offers

@bp.get("/offers/")
@login_required
def offers():
    return _render("needs/offers.html", offers=material.offers_of(_user()),
                   pairings=material.pairings_for_owner(_user()))


@bp.route("/offers/new", methods=["GET", "POST"])
@login_required
def new_offer():
    form = forms.OfferForm(data={"available_from": today_in_brussels()})
    if form.validate_on_submit():
        try:
            material.post_offer(_user(), material.OfferData(
                category=form.category.data, description=form.description.data,
                place=form.place.place, available_from=form.available_from.data,
                available_until=form.available_until.data), today_in_brussels())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("Your offer is posted. Thank you!"), "success")
            return redirect(url_for("needs.offers"))
    return _render("needs/offer_form.html", form=form)


@bp.post("/offers/<int:offer_id>/withdraw")
@login_required
def withdraw_offer(offer_id: int):
    act(lambda: material.withdraw_offer(_user(), offer_id), _l("Your offer is withdrawn."))
    return redirect(url_for("needs.offers"))


@bp.post("/offers/pairings/<int:pairing_id>/confirm")
@login_required
def confirm_as_owner(pairing_id: int):
    act(lambda: material.confirm_as_owner(_user(), pairing_id, utcnow()),
        _l("Thank you: you confirmed the pairing."))
    return redirect(url_for("needs.offers"))


@bp.post("/offers/pairings/<int:pairing_id>/decline")
@login_required
def decline_as_owner(pairing_id: int):
    act(lambda: material.decline_as_owner(_user(), pairing_id), _l("You declined the pairing."))
    return redirect(url_for("needs.offers"))


# Material needs and pairings, for the organisation's staff

@bp.get("/organisations/<slug>/material")
@login_required
@second_factor_required
def material_needs(slug: str):
    organisation = _organisation(slug)
    return _render("needs/material.html", organisation=organisation,
                   needs=material.material_needs_of(_user(), organisation),
                   pairings=material.pairings_for_organisation(_user(), organisation))


@bp.route("/organisations/<slug>/material/new", methods=["GET", "POST"])
@login_required
@second_factor_required
def new_material_need(slug: str):
    organisation = _organisation(slug)
    form = forms.MaterialNeedForm()
    if form.validate_on_submit():
        material.post_material_need(_user(), organisation, material.MaterialNeedData(
            category=form.category.data, description=form.description.data,
            place=form.place.place))
        flash(_l("The material need is posted."), "success")
        return redirect(url_for("needs.material_needs", slug=slug))
    return _render("needs/material_need_form.html", form=form, organisation=organisation)


@bp.post("/organisations/<slug>/material/<int:need_id>/close")
@login_required
@second_factor_required
def close_material_need(slug: str, need_id: int):
    organisation = _organisation(slug)
    act(lambda: material.close_material_need(_user(), organisation, need_id),
        _l("The material need is closed."))
    return redirect(url_for("needs.material_needs", slug=slug))


@bp.get("/organisations/<slug>/material/matches")
@login_required
@second_factor_required
def material_matches(slug: str):
    organisation = _organisation(slug)
    return _render("needs/material_matches.html", organisation=organisation,
                   found=material.candidates(_user(), organisation, today_in_brussels()))


@bp.post("/organisations/<slug>/material/<int:need_id>/propose")
@login_required
@second_factor_required
def propose(slug: str, need_id: int):
    organisation = _organisation(slug)
    offer_id = bounded_id(request.form.get("offer")) or 0
    act(lambda: material.propose(_user(), organisation, need_id, offer_id, utcnow()),
        _l("The pairing is proposed. The person who offers will be asked to confirm."))
    return redirect(url_for("needs.material_needs", slug=slug))


@bp.post("/organisations/<slug>/material/pairings/<int:pairing_id>/confirm")
@login_required
@second_factor_required
def confirm_as_organisation(slug: str, pairing_id: int):
    organisation = _organisation(slug)
    act(lambda: material.confirm_as_organisation(_user(), organisation, pairing_id,
                                                  utcnow()),
        _l("You confirmed the pairing."))
    return redirect(url_for("needs.material_needs", slug=slug))


@bp.post("/organisations/<slug>/material/pairings/<int:pairing_id>/decline")
@login_required
@second_factor_required
def decline_as_organisation(slug: str, pairing_id: int):
    organisation = _organisation(slug)
    act(lambda: material.decline_as_organisation(_user(), organisation, pairing_id),
        _l("You declined the pairing."))
    return redirect(url_for("needs.material_needs", slug=slug))
