"""The outbox: one row per message, written with the fact it announces."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from passerelle.core.types import UTCDateTime, str_enum
from passerelle.extensions import db

KEY_MAX = 200


class Status(enum.StrEnum):
    PENDING = "pending"      # waits for its due time
    SENDING = "sending"      # claimed by a dispatcher
    SENT = "sent"
    FAILED = "failed"        # refused for good, or too many attempts
    CANCELLED = "cancelled"  # the fact it announced changed, or the person said stop


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # kind + subject + occurrence + recipient: a message is written once, and its
    # Message-ID is made from this key, so a resent message is recognised as the same.
    key: Mapped[str] = mapped_column(String(KEY_MAX), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    # What the message is about ("session:12"): the pending rows of a changed fact are
    # found by it and cancelled or rescheduled in the same transaction.
    topic: Mapped[str] = mapped_column(String(80), index=True)
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    calendar: Mapped[str | None] = mapped_column(Text)  # an .ics file, for a dated item
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[Status] = mapped_column(str_enum(Status, "outbox_status", 16),
                                           default=Status.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())


class MessagePreference(db.Model):
    """A kind of message a person turned off (or, for an opt-in kind, on)."""

    __tablename__ = "message_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    wanted: Mapped[bool]
