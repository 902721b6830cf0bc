"""Writing messages into the outbox, in the transaction of the fact they announce.

Services call `write(...)` and then commit, as they do for the fact itself: the message
exists if and only if the fact does. Nothing here sends; the dispatcher does
(`reminders.dispatcher`). The text is rendered now, in the recipient's language.
"""

import re
import secrets
from datetime import datetime

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from sqlalchemy import select, update

from passerelle.accounts.models import User
from passerelle.core.time import utcnow
from passerelle.core.tokens import make_token
from passerelle.extensions import db
from passerelle.reminders import preferences
from passerelle.reminders.html import html_from_text
from passerelle.reminders.kinds import KINDS, choice_of
from passerelle.reminders.models import KEY_MAX, OutboxMessage, Status

_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a message, also outside a request (the dispatcher's jobs)."""
    base = current_app.config["PASSERELLE_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    # A job writes thousands: the URL map alone, not a request context for each (30 times
    # faster; the same path, None values left out as url_for does).
    return base + current_app.url_map.bind("localhost").build(endpoint, values)


def message_key(kind: str, about: str, occurrence: str, recipient: str) -> str:
    """kind.about.occurrence.recipient, in characters a Message-ID allows."""
    parts = (kind, about, occurrence or "once", recipient)
    return ".".join(_UNSAFE.sub("-", str(part)).strip("-") for part in parts)[:KEY_MAX]


def each_time() -> str:
    """The occurrence of a message written anew each time it is asked for (a new
    confirmation link, a password reset): never the same key twice."""
    return secrets.token_hex(8)


def write(kind: str, to: User | None, subject, template: str, *, about: str,
          occurrence: str, now: datetime | None = None, due_at: datetime | None = None,
          address: str | None = None,
          locale: str | None = None, reply_to: str | None = None, calendar: str | None = None,
          **context) -> OutboxMessage | None:
    """One message to a person (to `address` when given, else their account's), in their
    language, due at `due_at` (by default at once). `about` names the fact
    ("application-12"), so that `cancel` finds it; `occurrence` tells apart two messages of
    one kind on one fact (a date, a version; `each_time()` for mails asked for again).

    Returns None, writing nothing, when the person turned this kind off; the message
    already written (the same key) when there is one. Does not commit."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of message {kind!r}")
    if to is not None and not preferences.wants(to, kind):
        return None
    recipient = f"user-{to.id}" if to is not None else address
    key = message_key(kind, about, occurrence, recipient)
    existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if existing is not None:
        return existing
    locale = locale or (to.locale if to is not None else "fr")
    with force_locale(locale):
        unsubscribe = _unsubscribe_url(to, kind)
        body = render_template(template, user=to, unsubscribe_url=unsubscribe,
                               choices_url=external_url("reminders.choices"), **context)
        message = OutboxMessage(
            key=key, kind=kind, topic=about[:80], recipient_id=to.id if to else None,
            to_address=address or to.email, reply_to=reply_to, locale=locale,
            subject=str(subject)[:300], body_text=body,
            body_html=html_from_text(body, locale), calendar=calendar,
            unsubscribe_url=unsubscribe, due_at=due_at or now or utcnow(),
            status=Status.PENDING)
    db.session.add(message)
    return message


def cancel(about: str, kinds: tuple[str, ...] | None = None, to: User | None = None) -> int:
    """Cancel the pending messages about a fact that changed (only those to `to`, when
    given: one person left a session that goes on). Does not commit."""
    query = update(OutboxMessage).where(OutboxMessage.topic == about,
                                        OutboxMessage.status == Status.PENDING)
    if kinds:
        query = query.where(OutboxMessage.kind.in_(kinds))
    if to is not None:
        query = query.where(OutboxMessage.recipient_id == to.id)
    return db.session.execute(query.values(status=Status.CANCELLED)).rowcount


def _unsubscribe_url(to: User | None, kind: str) -> str | None:
    choice = choice_of(kind)
    if to is None or choice is None:
        return None  # nobody can stop what they cannot do without
    token = make_token("unsubscribe", {"u": to.id, "c": choice.name})
    return external_url("reminders.unsubscribe", token=token)
