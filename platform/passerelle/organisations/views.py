from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from passerelle.accounts.forms import AcceptInvitationForm
from passerelle.accounts.services import user_by_email
from passerelle.accounts.twofactor.gate import second_factor_required
from passerelle.accounts.views import sign_in
from passerelle.core import access
from passerelle.core.errors import DomainError
from passerelle.core.time import today_in_brussels, utcnow
from passerelle.core.web import act, form_error
from passerelle.data import places
from passerelle.needs.services import open_need_of
from passerelle.organisations import facts, forms, queries, services
from passerelle.organisations.audiences import audience_labels
from passerelle.organisations.models import MemberRole
from passerelle.programmes import defaults
from passerelle.programmes.forms import ApplyForm
from passerelle.programmes.services import application_of

bp = Blueprint("organisations", __name__)


def _user():
    return current_user._get_current_object()


@bp.get("/organisations/")
def directory():
    form = forms.DirectoryFilterForm(request.args)
    if request.args and not form.validate():
        organisations = []
    else:
        organisations = queries.search_directory(
            form.kind.data, form.place.place, int(form.within.data or 25), form.q.data)
        organisations = queries.with_audience(organisations, form.audience.data)
    informing = [o for o in organisations if queries.information_only(o)]
    return render_template("organisations/directory.html", form=form,
                           organisations=[o for o in organisations if o not in informing],
                           informing=informing, place_label=queries.place_label)


@bp.get("/organisations/<slug>")
def organisation(slug: str):
    organisation = queries.organisation_by_slug(slug) or abort(404)
    return render_template(
        "organisations/organisation.html", organisation=organisation,
        programmes=queries.listed_programmes(organisation),
        can_manage=access.can_manage_people(current_user, organisation),
        is_staff=access.is_staff(current_user, organisation),
        place_label=queries.place_label,
        sources=facts.sources_of((organisation.seed_sources or {}).get("claims"),
                                 (organisation.seed_sources or {}).get("files")),
        printed=(organisation.seed_sources or {}).get("printed") or {},
        edited_at=organisation.edited_at)


@bp.get("/programmes/<slug>")
def programme(slug: str):
    programme = queries.programme_by_slug(slug) or abort(404)
    user = current_user._get_current_object()
    need = open_need_of(programme, request.args.get("need", type=int), today_in_brussels())
    return render_template(
        "organisations/programme.html", programme=programme, need=need,
        here=url_for("organisations.programme", slug=slug, need=need.id if need else None),
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
@second_factor_required
def edit_profile(slug: str):
    organisation = _managed(slug)
    abroad = organisation.country != "BE"
    initial = {name: getattr(organisation, name) for name in services.PROFILE_FIELDS} | {
        "place": places.label_of(organisation.place_refnis, str(get_locale())),
        "max_retention_months": organisation.max_retention_months}
    form = forms.ProfileForm(data=initial)
    if abroad:
        del form.place, form.postcode
    if form.validate_on_submit():
        try:
            services.update_profile(organisation, form.data,
                                    None if abroad else form.place.place, utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            flash(_l("The profile of %(name)s is saved.", name=organisation.name), "success")
            return redirect(url_for("organisations.organisation", slug=slug))
    return render_template("organisations/edit_profile.html", organisation=organisation,
                           form=form)


@bp.route("/organisations/<slug>/people", methods=["GET", "POST"])
@login_required
@second_factor_required
def people(slug: str):
    organisation = _managed(slug)
    form = forms.InvitationForm(roles=access.invitable_roles(current_user, organisation))
    if form.validate_on_submit():
        try:
            invitation = services.invite(_user(), organisation, form.email.data,
                                         form.role.data, utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            if invitation.approved_at:
                flash(_l("The invitation is on its way to %(email)s.", email=invitation.email),
                      "success")
            else:
                flash(_l("The invitation to %(email)s waits for the approval of a coordinator "
                         "of %(name)s; they are told by e-mail.", email=invitation.email,
                         name=organisation.name), "success")
            return redirect(url_for("organisations.people", slug=slug))
    invitations = queries.open_invitations(organisation, utcnow())
    return render_template(
        "organisations/people.html", organisation=organisation, form=form,
        members=queries.members_of(organisation),
        waiting=[i for i in invitations if i.approved_at is None],
        invitations=[i for i in invitations if i.approved_at is not None],
        can_change=access.can_change_members(current_user, organisation),
        can_approve=access.can_approve_members(current_user, organisation),
        can_revoke=lambda invitation: access.can_revoke_invitation(current_user, invitation),
        roles=list(MemberRole), changes=queries.team_changes(organisation))


@bp.post("/organisations/<slug>/people/<int:membership_id>/remove")
@login_required
@second_factor_required
def remove_member(slug: str, membership_id: int):
    organisation = _managed(slug)
    done = act(lambda: services.remove_member(_user(), organisation, membership_id, utcnow()),
               _l("The member is removed from %(name)s.", name=organisation.name))
    return _back_to_team(organisation, done)


def _back_to_team(organisation, done: bool):
    """To the team page, or to the organisation's page for a coordinator who just left it
    or became staff."""
    if done and not access.can_manage_people(current_user, organisation):
        return redirect(url_for("organisations.organisation", slug=organisation.slug))
    return redirect(url_for("organisations.people", slug=organisation.slug))


@bp.post("/organisations/<slug>/people/<int:membership_id>/role")
@login_required
@second_factor_required
def change_role(slug: str, membership_id: int):
    organisation = _managed(slug)
    done = act(lambda: services.change_role(_user(), organisation, membership_id,
                                            request.form.get("role", ""), utcnow()),
               _l("The role is changed."))
    return _back_to_team(organisation, done)


@bp.post("/organisations/<slug>/invitations/<int:invitation_id>/approve")
@login_required
@second_factor_required
def approve_invitation(slug: str, invitation_id: int):
    organisation = _managed(slug)
    act(lambda: services.approve(_user(), organisation, invitation_id, utcnow()),
        _l("The invitation is approved and on its way."))
    return redirect(url_for("organisations.people", slug=slug))


@bp.post("/organisations/<slug>/invitations/<int:invitation_id>/refuse")
@login_required
@second_factor_required
def refuse_invitation(slug: str, invitation_id: int):
    organisation = _managed(slug)
    act(lambda: services.refuse(_user(), organisation, invitation_id, utcnow()),
        _l("The invitation is refused."))
    return redirect(url_for("organisations.people", slug=slug))


@bp.post("/organisations/<slug>/invitations/<int:invitation_id>/revoke")
@login_required
@second_factor_required
def revoke_invitation(slug: str, invitation_id: int):
    organisation = _managed(slug)
    act(lambda: services.revoke(_user(), organisation, invitation_id, utcnow()),
        _l("The invitation is revoked: its link no longer works."))
    return redirect(url_for("organisations.people", slug=slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = services.invitation_from_token(token, utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("core.home"))
    if current_user.is_authenticated:
        return _accept_signed_in(invitation)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_as_new_person(invitation, form.name.data,
                                                 form.password.data, form.locale.data,
                                                 utcnow())
        except DomainError as error:
            form_error(form, error)
        else:
            sign_in(user)
            flash(_l("Welcome to %(name)s.", name=invitation.organisation.name), "success")
            return redirect(url_for("organisations.organisation",
                                    slug=invitation.organisation.slug))
    return render_template("organisations/accept_invitation.html", invitation=invitation,
                           form=form, has_account=_has_account(invitation.email))


def _accept_signed_in(invitation):
    if request.method == "POST":
        try:
            services.accept(invitation, current_user, utcnow())
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
