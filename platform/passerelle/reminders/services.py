"""What people do about their messages; what administrators do about the outbox."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from passerelle.accounts.models import User
from passerelle.core.errors import DomainError, NotFound
from passerelle.core.paging import Page, page_number
from passerelle.core.tokens import read_token
from passerelle.extensions import db
from passerelle.reminders import preferences
from passerelle.reminders.kinds import CHOICES, KINDS, RETIRED
from passerelle.reminders.models import MessagePreference, OutboxMessage, Status

# An unsubscribe link keeps working for a year: a mail can sit in a mailbox that long.
UNSUBSCRIBE_MAX_AGE = 366 * 24 * 3600
BAD_LINK = _l("This link is not valid. You can choose your messages on your account page.")


def read_unsubscribe(token: str) -> tuple[User, str]:
    """The person and the choice an unsubscribe link names."""
    payload = read_token("unsubscribe", token, max_age=UNSUBSCRIBE_MAX_AGE)
    user = db.session.get(User, payload.get("u")) if payload else None
    choice = payload.get("c") if payload else None
    choice = RETIRED.get(choice, choice)
    if user is None or choice not in CHOICES:
        raise DomainError(BAD_LINK)
    return user, choice


def unsubscribe(token: str) -> tuple[User, str]:
    user, choice = read_unsubscribe(token)
    _set(user, {choice: False})
    db.session.commit()
    return user, choice


def save_choices(user: User, wanted: dict[str, bool]) -> None:
    _set(user, wanted)
    db.session.commit()


def _set(user: User, wanted: dict[str, bool]) -> None:
    """Save the choices; the pending messages of a kind now turned off are cancelled."""
    for choice, value in wanted.items():
        preferences.set_choice(user, choice, value)
    off = [kind for kind, choice in KINDS.items() if choice and wanted.get(choice) is False]
    if off:
        db.session.execute(update(OutboxMessage).where(
            OutboxMessage.recipient_id == user.id, OutboxMessage.kind.in_(off),
            OutboxMessage.status == Status.PENDING).values(status=Status.CANCELLED))


def forget_recipient(user: User) -> None:
    """An erased account gets nothing more, and its messages keep neither its address nor
    what they said (a name, a programme); the rows stay, so the counts hold. Does not
    commit."""
    mine = OutboxMessage.recipient_id == user.id
    db.session.execute(update(OutboxMessage).where(mine, OutboxMessage.status == Status.PENDING)
                       .values(status=Status.CANCELLED))
    db.session.execute(update(OutboxMessage).where(mine).values(
        to_address="", reply_to=None, subject="", body_text="", body_html="", calendar=None,
        unsubscribe_url=None, last_error=None))
    db.session.execute(delete(MessagePreference).where(MessagePreference.user_id == user.id))


# The administrators' outbox page

PER_PAGE = 50
TROUBLE = (Status.FAILED, Status.PENDING)


def listed(status: Status | None, asked_page: int | None) -> Page:
    """The messages of one status, the latest first; without a status, the troubled ones:
    failed, or waiting to be tried again after an error."""
    if status is None:
        query = select(OutboxMessage).where(
            OutboxMessage.status.in_(TROUBLE), OutboxMessage.last_error.is_not(None))
    else:
        query = select(OutboxMessage).where(OutboxMessage.status == status)
    total = db.session.scalar(select(db.func.count()).select_from(query.subquery()))
    number = page_number(asked_page, total, PER_PAGE)
    items = db.session.scalars(query.order_by(OutboxMessage.id.desc())
                               .offset((number - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return Page(items, total, number, PER_PAGE)


def failed_count() -> int:
    """Messages refused for good or after the last attempt: an administrator's to-do."""
    return db.session.scalar(select(db.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status == Status.FAILED)) or 0


def retry(message_id: int, now: datetime) -> OutboxMessage:
    """A failed message goes back to the queue, due now, with its attempts reset."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound()
    if message.status != Status.FAILED:
        raise DomainError(_l("Only a failed message can be sent again."))
    message.status, message.due_at, message.attempts = Status.PENDING, now, 0
    db.session.commit()
    return message


def retry_all_failed(now: datetime) -> int:
    count = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.status == Status.FAILED).values(
        status=Status.PENDING, due_at=now, attempts=0)).rowcount
    db.session.commit()
    return count
