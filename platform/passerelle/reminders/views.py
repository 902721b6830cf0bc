from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from passerelle.accounts.twofactor.gate import second_factor_required
from passerelle.core import access
from passerelle.core.errors import DomainError, NotFound
from passerelle.core.time import utcnow
from passerelle.core.web import act
from passerelle.extensions import csrf
from passerelle.reminders import dispatcher, forms, preferences, services
from passerelle.reminders.kinds import CHOICES
from passerelle.reminders.models import Status

bp = Blueprint("reminders", __name__)

STATUS_LABELS = {
    Status.PENDING: lazy_pgettext("message status", "Waiting"),
    Status.SENDING: lazy_pgettext("message status", "Being sent"),
    Status.SENT: lazy_pgettext("message status", "Sent"),
    Status.FAILED: lazy_pgettext("message status", "Failed"),
    Status.CANCELLED: lazy_pgettext("message status", "Cancelled"),
}


@bp.route("/account/messages", methods=["GET", "POST"])
@login_required
def choices():
    user = current_user._get_current_object()
    names = [name for name, choice in CHOICES.items()
             if not choice.for_coordinators or access.has_coordinator_choices(user)]
    form = forms.choices_form(names, preferences.choices_of(user),
                              formdata=request.method == "POST")
    if form.validate_on_submit():
        services.save_choices(user, {name: bool(getattr(form, forms.field_name(name)).data)
                                     for name in names})
        flash(_l("Your choices are saved."), "success")
        return redirect(url_for("reminders.choices"))
    return render_template("reminders/choices.html", form=form,
                           fields=[getattr(form, forms.field_name(n)) for n in names])


# The link in each mail, and RFC 8058's one-click POST to it from mail programs: the
# signed token is the authority, so no CSRF token (a mail program has none).
@bp.route("/messages/stop/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    try:
        if request.method == "POST":
            user, choice = services.unsubscribe(token)
            template = "reminders/stopped.html"
        else:
            user, choice = services.read_unsubscribe(token)
            template = "reminders/stop.html"
    except DomainError as error:
        return render_template("core/error.html", code=404, message=error.message), 404
    # In the language of the mail the link came in, whoever's browser opens it.
    with force_locale(user.locale):
        return render_template(template, choice=CHOICES[choice], token=token)


def _administrator():
    if not access.can_watch_outbox(current_user):
        raise NotFound()


@bp.get("/admin/outbox")
@login_required
@second_factor_required
def outbox():
    _administrator()
    asked = request.args.get("status")
    status = Status(asked) if asked in set(Status) else None
    return render_template("reminders/outbox.html", counts=dispatcher.counts(), status=status,
                           page=services.listed(status, request.args.get("page", type=int)),
                           form=forms.ButtonForm(), status_labels=STATUS_LABELS)


@bp.post("/admin/outbox/<int:message_id>/retry")
@login_required
@second_factor_required
def retry(message_id: int):
    _administrator()
    if forms.ButtonForm().validate_on_submit():
        act(lambda: services.retry(message_id, utcnow()),
            _l("The message will be sent again."))
    return redirect(url_for("reminders.outbox"))


@bp.post("/admin/outbox/retry-failed")
@login_required
@second_factor_required
def retry_failed():
    _administrator()
    if forms.ButtonForm().validate_on_submit():
        count = services.retry_all_failed(utcnow())
        flash(_l("%(count)d message(s) will be sent again.", count=count), "success")
    return redirect(url_for("reminders.outbox"))
