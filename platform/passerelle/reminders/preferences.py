"""Which kinds of messages a person wants."""

from sqlalchemy import select

from passerelle.accounts.models import User
from passerelle.extensions import db
from passerelle.reminders.kinds import CHOICES, choice_of
from passerelle.reminders.models import MessagePreference


def wants(user: User, kind: str) -> bool:
    choice = choice_of(kind)
    if choice is None:
        return True
    said = db.session.scalar(select(MessagePreference.wanted).where(
        MessagePreference.user_id == user.id, MessagePreference.kind == choice.name))
    return choice.wanted_by_default if said is None else said


def choices_of(user: User) -> dict[str, bool]:
    """Every choice, with what the person wants."""
    said = dict(db.session.execute(select(MessagePreference.kind, MessagePreference.wanted)
                                   .where(MessagePreference.user_id == user.id)).all())
    return {name: said.get(name, choice.wanted_by_default) for name, choice in CHOICES.items()}


def set_choice(user: User, choice: str, wanted: bool) -> None:
    """Does not commit."""
    if choice not in CHOICES:
        raise ValueError(f"unknown choice {choice!r}")
    row = db.session.scalar(select(MessagePreference).where(
        MessagePreference.user_id == user.id, MessagePreference.kind == choice))
    if row is None:
        db.session.add(MessagePreference(user_id=user.id, kind=choice, wanted=wanted))
    else:
        row.wanted = wanted
