"""The messages of a duo's life, written into the outbox by the services before their
commit, each in its recipient's language. A participant reads the other's first name only;
nothing here commits or sends."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from passerelle.accounts.models import User
from passerelle.duos.loading import first_name
from passerelle.duos.models import Duo
from passerelle.programmes.messages import coordinators_to_tell
from passerelle.reminders import outbox
from passerelle.reminders.outbox import external_url


def _about(duo: Duo) -> str:
    return f"duo-{duo.id}"


def _to_both(kind: str, duo: Duo, subject, template: str, now: datetime,
             leaving: User | None = None, **context) -> None:
    """Both participants, but the one `leaving` (who erases their account)."""
    link = external_url("duos.duo", duo_id=duo.id)
    for user in (duo.first, duo.second):
        if leaving is not None and user.id == leaving.id:
            continue
        name = duo.programme.text("name", user.locale)
        outbox.write(kind, user, subject(name), f"duos/mail/{template}.txt",
                     about=_about(duo), occurrence=kind, now=now, duo=duo,
                     programme_name=name, other=first_name(duo.other(user.id)), link=link,
                     organisation_name=duo.programme.organisation.name, **context)


def approved(duo: Duo, now: datetime) -> None:
    """Both participants are asked whether they want the duo."""
    _to_both("duo-proposed", duo, lambda name: _l("A language duo for you: %(programme)s",
                                                 programme=name), "proposed", now)


def active(duo: Duo, now: datetime) -> None:
    _to_both("duo-active", duo, lambda name: _l("Your language duo starts: %(programme)s",
                                               programme=name), "active", now)
    _to_coordinators(duo, now, accepted=True)


def ended(duo: Duo, now: datetime, leaving: User | None = None) -> None:
    _to_both("duo-ended", duo, lambda name: _l("Your language duo's follow-up has ended: "
                                               "%(programme)s", programme=name), "ended", now,
             leaving=leaving)


def declined(duo: Duo, by_user_id: int, now: datetime) -> None:
    """The other participant and the coordinators; nobody is told who declined but them."""
    outbox.cancel(_about(duo), ("duo-proposed",))
    other = duo.other(by_user_id)
    name = duo.programme.text("name", other.locale)
    outbox.write("duo-declined", other, _l("Your language duo will not start: %(programme)s",
                                           programme=name),
                 "duos/mail/declined.txt", about=_about(duo), occurrence="declined", now=now,
                 duo=duo, programme_name=name, link=external_url("duos.my_duos"))
    _to_coordinators(duo, now, accepted=False)


def _to_coordinators(duo: Duo, now: datetime, accepted: bool) -> None:
    link = external_url("duos.duo", duo_id=duo.id)
    pair = f"{duo.first.name} & {duo.second.name}"
    for user in coordinators_to_tell(duo.programme.organisation):
        subject = (_l("A language duo starts: %(pair)s", pair=pair) if accepted
                   else _l("A language duo was declined: %(pair)s", pair=pair))
        outbox.write("duo-decided", user, subject, "duos/mail/decided.txt", about=_about(duo),
                     occurrence=str(duo.status), now=now, duo=duo, pair=pair,
                     accepted=accepted, link=link,
                     next_link=external_url("duos.programme", slug=duo.programme.slug))
