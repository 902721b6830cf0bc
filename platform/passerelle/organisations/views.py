from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user

from passerelle.accounts.forms import AcceptInvitationForm
from passerelle.accounts.services import user_by_email
from passerelle.core import access
from passerelle.core.errors import DomainError
from passerelle.core.web import form_error
from passerelle.data import places
from passerelle.organisations import facts, forms, queries, services
from passerelle.organisations.audiences import audience_labels
from passerelle.programmes import defaults
from passerelle.programmes.forms import ApplyForm
from passerelle.programmes.services import application_of

bp = Blueprint("organisations", __name__)


@bp.get("/organisations/")
def directory():
    locale = str(get_locale())
    form = forms.DirectoryFilterForm(request.args, city_choices=queries.city_choices(locale))
    if request.args and not form.validate():
        organisations = []
    else:
        organisations = queries.search_directory(form.kind.data, form.city.data, form.q.data)
        organisations = queries.with_audience(organisations, form.audience.data)
    return render_template("organisations/directory.html", form=form,
                           organisations=organisations, place_label=queries.place_label)


@bp.get("/organisations/<slug>")
def organisation(slug: str):
    organisation = queries.organisation_by_slug(slug) or abort(404)
    return render_template(
        "organisations/organisation.html", organisation=organisation,
        programmes=queries.listed_programmes(organisation),
        can_manage=access.can_manage_people(current_user, organisation),
        place_label=queries.place_label,
        sources=facts.sources_of((organisation.seed_sources or {}).get("claims"),
                                 (organisation.seed_sources or {}).get("files")),
        printed=(organisation.seed_sources or {}).get("printed") or {},
        edited_at=organisation.edited_at)


@bp.get("/programmes/<slug>")
def programme(slug: str):
    programme = queries.programme_by_slug(slug) or abort(404)
    user = current_user._get_current_object()
    return render_template(
        "organisations/programme.html", programme=programme,
        facts=facts.describe(programme.facts, str(get_locale())), place_label=queries.place_label,
        sources=facts.sources_of(programme.seed_sources), edited_at=programme.edited_at,
        audiences=audience_labels(programme.audiences),
        platform_defaults=defaults.settings_of(programme.kind, programme.platform_settings),
        application=application_of(user, programme) if user.is_authenticated else None,
        can_coordinate=access.can_coordinate_programme(user, programme),
        apply_form=ApplyForm())


def _managed(slug: str):
    """The organisation in the URL if this person coordinates it; else 404."""
    organisation = queries.organisation_by_slug(slug)
    if organisation is None or not access.can_manage_people(current_user, organisation):
        abort(404)
    return organisation


@bp.route("/organisations/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_profile(slug: str):
    organisation = _managed(slug)
    abroad = organisation.country != "BE"
    initial = {name: getattr(organisation, name) for name in services.PROFILE_FIELDS} | {
        "place": places.label_of(organisation.place_refnis, str(get_locale()))}
    form = forms.ProfileForm(data=initial)
    if abroad:
        del form.place, form.postcode
    if form.validate_on_submit():
        services.update_profile(organisation, form.data, None if abroad else form.place.place)
        flash(_l("The profile of %(name)s is saved.", name=organisation.name), "success")
        return redirect(url_for("organisations.organisation", slug=slug))
    return render_template("organisations/edit_profile.html", organisation=organisation,
                           form=form)


@bp.route("/organisations/<slug>/people", methods=["GET", "POST"])
@login_required
def people(slug: str):
    organisation = _managed(slug)
    form = forms.InvitationForm(roles=access.invitable_roles(current_user, organisation))
    if form.validate_on_submit():
        try:
            services.invite(current_user, organisation, form.email.data, form.role.data)
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("The invitation is on its way to %(email)s.", email=form.email.data),
                  "success")
            return redirect(url_for("organisations.people", slug=slug))
    return render_template("organisations/people.html", organisation=organisation, form=form,
                           members=queries.members_of(organisation))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = services.invitation_from_token(token)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("core.home"))
    if current_user.is_authenticated:
        return _accept_signed_in(invitation)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_as_new_person(invitation, form.name.data,
                                                 form.password.data, form.locale.data)
        except DomainError as error:
            form_error(form, error)
        else:
            login_user(user)
            flash(_l("Welcome to %(name)s.", name=invitation.organisation.name), "success")
            return redirect(url_for("organisations.organisation",
                                    slug=invitation.organisation.slug))
    return render_template("organisations/accept_invitation.html", invitation=invitation,
                           form=form, has_account=_has_account(invitation.email))


def _accept_signed_in(invitation):
    if request.method == "POST":
        try:
            services.accept(invitation, current_user)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_l("Welcome to %(name)s.", name=invitation.organisation.name), "success")
            return redirect(url_for("organisations.organisation",
                                    slug=invitation.organisation.slug))
    return render_template("organisations/accept_invitation.html", invitation=invitation,
                           form=None, has_account=True)


def _has_account(email: str) -> bool:
    return user_by_email(email) is not None
