"""Coordinators write to a programme's volunteers, through the outbox: each recipient gets
their own message (nobody sees the others), in their language when the coordinator wrote
one for it, else the common text; replies go to the coordinator. Commits once."""

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from passerelle.accounts.models import User
from passerelle.core import access
from passerelle.core.errors import DomainError, NotFound
from passerelle.extensions import db
from passerelle.organisations.models import Programme
from passerelle.programmes.models import Application, ApplicationStatus
from passerelle.reminders import batch, outbox

LOCALES = ("fr", "nl", "en")
EVERYONE = "all"
# "All": the programme's volunteers, but those not retained and those who left.
NOT_IN_ALL = (ApplicationStatus.refused, ApplicationStatus.withdrawn)
# Those who left are never written to.
AUDIENCES = (EVERYONE, *(s.value for s in ApplicationStatus if s != ApplicationStatus.withdrawn))
_BATCH = re.compile(r"^[0-9a-f]{16}$")


@dataclass
class News:
    audience: str
    subject: str = ""
    body: str = ""
    # locale -> (subject, body), as typed; empty for a language not written
    by_language: dict[str, tuple[str, str]] = field(default_factory=dict)


def new_batch() -> str:
    """What makes one sending's keys: the same page sent twice writes each message once."""
    return outbox.each_time()


def is_batch(value: str | None) -> bool:
    return bool(value and _BATCH.match(value))


def recipients(coordinator: User, programme: Programme, audience: str) -> list[User]:
    """Who would receive it: the chosen volunteers who did not turn these messages off."""
    _check(coordinator, programme)
    if audience not in AUDIENCES:
        raise DomainError(_l("Choose the recipients from the list."), field="to")
    query = select(User).join(Application, Application.user_id == User.id).where(
        Application.programme_id == programme.id)
    if audience == EVERYONE:
        query = query.where(Application.status.not_in(NOT_IN_ALL))
    else:
        query = query.where(Application.status == audience)
    people = list(db.session.scalars(query.order_by(User.id)))
    wanting = batch.wanting([person.id for person in people], "programme-news")
    return [person for person in people if person.id in wanting]


def texts_for(news: News, locales: set[str]) -> dict[str, tuple[str, str]]:
    """The subject and text each language's readers get. Raises, naming the field, when a
    subject has no text (or a text no subject), or when readers of a language would get
    nothing."""
    common = _pair(news.subject, news.body, "subject", "body")
    found = {}
    for locale in LOCALES:
        subject, body = news.by_language.get(locale, ("", ""))
        own = _pair(subject, body, f"subject_{locale}", f"body_{locale}")
        if own or common:
            found[locale] = own or common
    missing = [locale for locale in LOCALES if locale in locales and locale not in found]
    if missing:
        raise DomainError(_l("Some recipients read this language: write the text in it, or "
                             "one for everyone."), field=f"body_{missing[0]}")
    return found


def check(coordinator: User, programme: Programme, news: News) -> int:
    """How many would receive it, once the texts are right (nothing written)."""
    people = _people(coordinator, programme, news.audience)
    texts_for(news, {_locale(person) for person in people})
    return len(people)


def send(coordinator: User, programme: Programme, news: News, batch_key: str,
         now: datetime) -> int:
    """One message per recipient, in one transaction. Returns how many were written."""
    people = _people(coordinator, programme, news.audience)
    texts = texts_for(news, {_locale(person) for person in people})
    if not is_batch(batch_key):
        raise DomainError(_l("Check the recipients again before sending."))
    link = outbox.external_url("programmes.my_applications")
    for person in people:
        subject, body = texts[_locale(person)]
        outbox.write("programme-news", person, subject, "programmes/mail/news.txt",
                     about=f"programme-news-{programme.id}", occurrence=batch_key, now=now,
                     reply_to=coordinator.email, programme=programme, sender=coordinator,
                     message=body, link=link)
    db.session.commit()
    return len(people)


def _people(coordinator, programme, audience) -> list[User]:
    people = recipients(coordinator, programme, audience)
    if not people:
        raise DomainError(_l("Nobody would receive this message: choose other recipients."),
                          field="to")
    return people


def _locale(person: User) -> str:
    return person.locale if person.locale in LOCALES else "fr"


def _pair(subject: str, body: str, subject_field: str, body_field: str):
    subject, body = (subject or "").strip(), (body or "").strip()
    if subject and not body:
        raise DomainError(_l("Write the text that goes with this subject."), field=body_field)
    if body and not subject:
        raise DomainError(_l("Give this text a subject."), field=subject_field)
    return (subject, body) if subject else None


def _check(coordinator: User, programme: Programme) -> None:
    if not access.can_coordinate_programme(coordinator, programme):
        raise NotFound()
