"""The messages of visit rotas: a pair to confirm, a visit confirmed by both."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from passerelle.organisations.models import Programme
from passerelle.reminders import outbox
from passerelle.reminders.outbox import external_url
from passerelle.scheduling.models import Occurrence, Signup


def _context(signup: Signup, occurrence: Occurrence) -> dict:
    event = occurrence.event
    programme: Programme = event.programme
    locale = signup.user.locale
    return dict(start=occurrence.starts_at, place=event.address,
                title=event.text("title", locale),
                programme_name=programme.text("name", locale),
                link=external_url("visits.mine"))


def asked(signup: Signup, occurrence: Occurrence, now: datetime) -> None:
    context = _context(signup, occurrence)
    outbox.write("visit-pair-proposed", signup.user,
                 _l("A visit to confirm: %(title)s", title=context["title"]),
                 "scheduling/mail/visit_asked.txt", about=f"occurrence-{occurrence.id}",
                 occurrence=f"asked-{signup.pair}", now=now, **context)


def confirmed(signup: Signup, occurrence: Occurrence, pair: list[Signup],
              now: datetime) -> None:
    context = _context(signup, occurrence)
    partner = next((s.user.name for s in pair if s.user_id != signup.user_id), "")
    outbox.write("visit-pair-confirmed", signup.user,
                 _l("Visit confirmed: %(title)s", title=context["title"]),
                 "scheduling/mail/visit_confirmed.txt", about=f"occurrence-{occurrence.id}",
                 occurrence=f"confirmed-{signup.pair}", now=now, partner=partner, **context)
