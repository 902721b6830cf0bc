"""For jobs that write many messages: what the outbox already holds and what people
chose, read for a whole batch at once instead of once per message."""

from sqlalchemy import select

from passerelle.extensions import db
from passerelle.reminders.kinds import CHOICES
from passerelle.reminders.models import MessagePreference, OutboxMessage

CHUNK = 500


def existing_keys(keys: list[str]) -> set[str]:
    """The keys among these that are written already (outbox.message_key)."""
    found: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        found.update(db.session.scalars(select(OutboxMessage.key).where(
            OutboxMessage.key.in_(keys[start:start + CHUNK]))))
    return found


def wanting(user_ids, choice: str) -> set[int]:
    """Those among these people who want this choice (said so, or by its default)."""
    ids = list(set(user_ids))
    said: dict[int, bool] = {}
    for start in range(0, len(ids), CHUNK):
        said.update(db.session.execute(select(MessagePreference.user_id,
                                              MessagePreference.wanted).where(
            MessagePreference.user_id.in_(ids[start:start + CHUNK]),
            MessagePreference.kind == choice)).all())
    default = CHOICES[choice].wanted_by_default
    return {user_id for user_id in ids if said.get(user_id, default)}
