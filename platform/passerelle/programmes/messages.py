"""The messages of applications (a training session's are scheduling/signup_messages.py).

The services call these before their single commit: each message is written into the
outbox in the transaction of the fact it announces, in the recipient's language. Keys are
made of what the message is about (a version, a date, a step), so that doing the same
thing again writes nothing new. Nothing here commits or sends.
"""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from passerelle.accounts.models import User
from passerelle.core.time import as_utc
from passerelle.extensions import db
from passerelle.organisations import queries
from passerelle.organisations.models import (
    MemberRole,
    Membership,
    NetworkMembership,
    Organisation,
)
from passerelle.programmes.models import (
    Application,
    ApplicationStatus,
    Charter,
    Training,
)
from passerelle.reminders import batch, outbox
from passerelle.reminders.calendars import CalendarEvent, ics
from passerelle.reminders.outbox import external_url

S = ApplicationStatus
# No length is recorded for an interview: calendars get this one.
INTERVIEW_LENGTH = timedelta(hours=1)


def about_application(application: Application) -> str:
    return f"application-{application.id}"


# To the coordinators ----------------------------------------------------------------------

def coordinators_to_tell(organisation: Organisation) -> list[User]:
    """Who hears of an organisation's applications: its own coordinators; the coordinators
    of its networks and the administrators only if they chose to ("network-digest")."""
    own = [membership.user for membership in queries.coordinators_of(organisation)]
    networks = select(NetworkMembership.network_id).where(
        NetworkMembership.member_id == organisation.id)
    network_coordinators = select(Membership.user_id).join(Organisation).where(
        Membership.organisation_id.in_(networks), Organisation.kind == "network",
        Membership.role == MemberRole.coordinator)
    others = list(db.session.scalars(select(User).where(
        User.is_admin | User.id.in_(network_coordinators),
        User.id.not_in([user.id for user in own])).order_by(User.id)))
    opted_in = batch.wanting([user.id for user in others], "network-digest")
    return own + [user for user in others if user.id in opted_in]


def application_arrived(application: Application, now: datetime) -> None:
    """Each coordinator who wants it, at once; the others see it in their daily summary."""
    link = external_url("programmes.review", application_id=application.id)
    for user in coordinators_to_tell(application.programme.organisation):
        if user.id == application.user_id:
            continue
        name = application.programme.text("name", user.locale)
        outbox.write("application-arrived", user,
                     _l("New application to %(programme)s", programme=name),
                     "programmes/mail/application_arrived.txt",
                     about=about_application(application), occurrence="arrived", now=now,
                     application=application, programme_name=name, link=link)


# To the volunteer -----------------------------------------------------------------------

def _to_volunteer(kind: str, application: Application, subject, template: str,
                  occurrence: str, now: datetime, calendar: str | None = None,
                  link: str | None = None, **context) -> None:
    """`subject(name)`: the subject with the programme's name in the volunteer's language."""
    user = application.user
    name = application.programme.text("name", user.locale)
    outbox.write(kind, user, subject(name), f"programmes/mail/{template}.txt",
                 about=about_application(application), occurrence=occurrence, now=now,
                 calendar=calendar, application=application, programme_name=name,
                 organisation_name=application.programme.organisation.name,
                 organisation_email=application.programme.organisation.email,
                 link=link or external_url("programmes.my_applications"), **context)


def interview_planned(application: Application, previous: datetime | None,
                      now: datetime) -> None:
    """The date, and an .ics. Planned again for another time: the pending message of the
    old date is cancelled and a new one written, its .ics with the same UID and a higher
    SEQUENCE, so that calendars move the entry. The same time again writes nothing."""
    moment = as_utc(application.interview_at)
    if previous is not None and as_utc(previous) == moment:
        return
    outbox.cancel(about_application(application), ("application-interview",))
    # Each planning is a step: the first is 0, each new date one more.
    sequence = sum(step.status == S.interview_planned for step in application.steps) - 1
    user = application.user
    with force_locale(user.locale):
        name = application.programme.text("name", user.locale)
        calendar = ics(CalendarEvent(
            uid=_uid(f"interview-{application.id}"), start=moment,
            end=moment + INTERVIEW_LENGTH, stamp=now, sequence=sequence,
            summary=_("Interview: %(programme)s", programme=name),
            description=_("Your interview with %(organisation)s for %(programme)s.",
                          organisation=application.programme.organisation.name,
                          programme=name),
            url=external_url("programmes.my_applications")))
    _to_volunteer("application-interview", application,
                  lambda name: _l("Your interview for %(programme)s", programme=name),
                  "interview",
                  f"{moment:%Y%m%dT%H%M}Z-{sequence}", now, calendar=calendar, moment=moment,
                  moved=sequence > 0)


def screening_recorded(application: Application, passed: bool, now: datetime) -> None:
    """Passed or not; never the coordinators' note."""
    _to_volunteer("application-screening", application,
                  lambda name: _l("Your application to %(programme)s", programme=name),
                  "screening",
                  "passed" if passed else "not-retained", now, passed=passed)


def charter_waiting(application: Application, charter: Charter, new_version: bool,
                    now: datetime) -> None:
    """Once per version: to sign for the first time, or again once a new one is out."""
    _to_volunteer("application-charter", application,
                  lambda name: _l("The charter of %(programme)s waits for your signature",
                                  programme=name), "charter",
                  f"v{charter.version}", now, new_version=new_version, charter=charter,
                  link=external_url("programmes.sign_charter", application_id=application.id))


def step_done(application: Application, occurrence: str, now: datetime, *,
              training: Training | None = None, charter: Charter | None = None,
              place: str | None = None, conduct: bool = False) -> None:
    """A training recorded, the charter recorded on paper, an accreditation granted, the
    certificate of good conduct seen."""
    user = application.user
    _to_volunteer("application-step", application,
                  lambda name: _l("Your application to %(programme)s", programme=name),
                  "step", occurrence, now, charter=charter, place=place, conduct=conduct,
                  training_name=training.text("name", user.locale) if training else None)


def became_active(application: Application, was: ApplicationStatus, now: datetime) -> None:
    """Only when the status turns active, not when an active volunteer stays so."""
    if was == S.active or application.status != S.active:
        return
    _to_volunteer("application-active", application,
                  lambda name: _l("You are active in %(programme)s", programme=name),
                  "active", f"step-{len(application.steps)}", now,
                  again=any(step.status == S.active for step in application.steps[:-1]))


def suspended(application: Application, now: datetime) -> None:
    """Without the reason: the coordinators write it for themselves (the review page shows
    it, the volunteer's pages and data export do not)."""
    _to_volunteer("application-suspended", application,
                  lambda name: _l("Your participation in %(programme)s is suspended",
                                  programme=name), "suspended",
                  f"step-{len(application.steps)}", now)


def reinstated(application: Application, now: datetime) -> None:
    _to_volunteer("application-reinstated", application,
                  lambda name: _l("Your participation in %(programme)s is reinstated",
                                  programme=name), "reinstated",
                  f"step-{len(application.steps)}", now)


def application_closed(application: Application) -> None:
    """Withdrawn or not retained: what was still to be sent about it is not."""
    outbox.cancel(about_application(application))


def _uid(name: str) -> str:
    return f"{name}@{current_app.config['MAIL_MESSAGE_ID_DOMAIN']}"
