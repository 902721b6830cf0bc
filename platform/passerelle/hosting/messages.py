"""The messages of a trajectory's life, written into the outbox before the service's commit,
each in its recipient's language. Hosts read the guest's first name only; nothing here
commits or sends."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from passerelle.accounts.models import User
from passerelle.hosting.models import Concern, Stay, StayStatus, Trajectory
from passerelle.organisations import queries
from passerelle.programmes.messages import coordinators_to_tell
from passerelle.reminders import outbox
from passerelle.reminders.outbox import external_url


def _about(stay: Stay) -> str:
    return f"stay-{stay.id}"


def asked(stay: Stay, now: datetime) -> None:
    host = stay.host
    name = stay.programme.text("name", host.locale)
    outbox.write("stay-asked", host, _l("A stay in your home: %(programme)s", programme=name),
                 "hosting/mail/asked.txt", about=_about(stay), occurrence="asked", now=now,
                 stay=stay, programme_name=name, guest=stay.person.first_name,
                 link=external_url("hosting.stay", stay_id=stay.id))


def withdrawn(stay: Stay, now: datetime) -> None:
    host = stay.host
    outbox.cancel(_about(stay), ("stay-asked",))
    name = stay.programme.text("name", host.locale)
    outbox.write("stay-withdrawn", host, _l("A stay is withdrawn: %(programme)s",
                                            programme=name),
                 "hosting/mail/withdrawn.txt", about=_about(stay), occurrence="withdrawn",
                 now=now, stay=stay, programme_name=name,
                 link=external_url("hosting.my_stays"))


def _to_coordinators(kind: str, trajectory: Trajectory, subject, template: str,
                     about: str, occurrence: str, now: datetime, **context) -> None:
    link = external_url("hosting.trajectory", trajectory_id=trajectory.id)
    for user in coordinators_to_tell(trajectory.programme.organisation):
        outbox.write(kind, user, subject, template, about=about, occurrence=occurrence,
                     now=now, trajectory=trajectory, guest=trajectory.person.first_name,
                     link=link, **context)


def answered(stay: Stay, now: datetime) -> None:
    accepted = stay.status == StayStatus.accepted
    subject = (_l("A host accepted a stay: %(guest)s", guest=stay.person.first_name) if accepted
               else _l("A host declined a stay: %(guest)s", guest=stay.person.first_name))
    _to_coordinators("stay-answered", stay.trajectory, subject, "hosting/mail/answered.txt",
                     _about(stay), str(stay.status), now, stay=stay, accepted=accepted,
                     host=stay.host.name)


def replanned(trajectory: Trajectory, count: int, now: datetime) -> None:
    _to_coordinators("stay-replanned", trajectory,
                     _l("Stays to approve: %(guest)s", guest=trajectory.person.first_name),
                     "hosting/mail/replanned.txt", f"trajectory-{trajectory.id}",
                     outbox.each_time(), now, count=count)


def concern(concern: Concern, now: datetime) -> None:
    stay = concern.stay
    _to_coordinators("stay-concern", stay.trajectory,
                     _l("A concern about a stay: %(guest)s", guest=stay.person.first_name),
                     "hosting/mail/concern.txt", f"concern-{concern.id}", "reported", now,
                     stay=stay, author=concern.author.name if concern.author else "",
                     stay_link=external_url("hosting.stay", stay_id=stay.id))


def _trajectory_about(trajectory: Trajectory) -> str:
    return f"trajectory-{trajectory.id}"


def companion_asked(trajectory: Trajectory, now: datetime) -> None:
    """The companion a coordinator chose: the programme, the guest's first name, the
    trajectory's dates, and the page where they answer."""
    companion = trajectory.companion
    name = trajectory.programme.text("name", companion.locale)
    outbox.write("stay-companion-asked", companion,
                 _l("Accompany a guest: %(programme)s", programme=name),
                 "hosting/mail/companion_asked.txt", about=_trajectory_about(trajectory),
                 occurrence=outbox.each_time(), now=now, trajectory=trajectory,
                 programme_name=name, guest=trajectory.person.first_name,
                 link=external_url("hosting.accompany", trajectory_id=trajectory.id))


def companion_removed(trajectory: Trajectory, companion: User, now: datetime) -> None:
    """The companion is no longer asked (another one was chosen, nobody, or the trajectory
    was withdrawn): a pending ask is not sent."""
    outbox.cancel(_trajectory_about(trajectory), ("stay-companion-asked",), to=companion)
    name = trajectory.programme.text("name", companion.locale)
    outbox.write("stay-companion-removed", companion,
                 _l("You no longer accompany a guest: %(programme)s", programme=name),
                 "hosting/mail/companion_removed.txt", about=_trajectory_about(trajectory),
                 occurrence=outbox.each_time(), now=now, trajectory=trajectory,
                 programme_name=name, link=external_url("hosting.my_stays"))


def companion_answered(trajectory: Trajectory, companion: User, accepted: bool,
                       now: datetime, withdrew: bool = False) -> None:
    """The companion's answer, to the coordinators; `withdrew`: a no after they had
    accepted."""
    guest = trajectory.person.first_name
    subject = (_l("A companion accepted: %(guest)s", guest=guest) if accepted
               else _l("A companion can no longer accompany: %(guest)s", guest=guest)
               if withdrew else _l("A companion declined: %(guest)s", guest=guest))
    _to_coordinators("stay-companion-answered", trajectory, subject,
                     "hosting/mail/companion_answered.txt", _trajectory_about(trajectory),
                     outbox.each_time(), now, accepted=accepted, withdrew=withdrew,
                     companion=companion.name, reason=trajectory.companion_reason)


def _to_guest_organisation(kind: str, trajectory: Trajectory, subject, template: str,
                           occurrence: str, now: datetime, **context) -> None:
    """The organisation that referred the guest: it speaks for them (it may refuse a home
    on their behalf before the stay begins) and prepares them. Nobody when it is the
    programme's own organisation: its coordinators decided it themselves."""
    organisation = trajectory.person.organisation
    if organisation.id == trajectory.programme.organisation_id:
        return
    link = external_url("hosting.trajectory", trajectory_id=trajectory.id)
    for member in queries.members_of(organisation):
        user = member.user
        name = trajectory.programme.text("name", user.locale)
        outbox.write(kind, user, subject(name), template,
                     about=f"trajectory-{trajectory.id}", occurrence=occurrence, now=now,
                     trajectory=trajectory, guest=trajectory.person.first_name,
                     programme_name=name, link=link, **context)


def approved_for_guest(trajectory: Trajectory, stays: list[Stay], now: datetime) -> None:
    _to_guest_organisation(
        "stay-guest-asked", trajectory,
        lambda name: _l("Homes asked for %(guest)s: %(programme)s",
                        guest=trajectory.person.first_name, programme=name),
        "hosting/mail/guest_asked.txt", outbox.each_time(), now,
        stays=sorted(stays, key=lambda stay: stay.first_night))


def accepted_for_guest(stay: Stay, now: datetime) -> None:
    _to_guest_organisation(
        "stay-guest-accepted", stay.trajectory,
        lambda name: _l("A home for %(guest)s: %(programme)s",
                        guest=stay.person.first_name, programme=name),
        "hosting/mail/guest_accepted.txt", f"accepted-{stay.id}", now, stay=stay)
