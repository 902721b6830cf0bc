"""People who sign in."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from passerelle.core.types import UTCDateTime
from passerelle.extensions import db

EMAIL_MAX = 254
NAME_MAX = 120


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(2), default="fr")
    is_admin: Mapped[bool] = mapped_column(default=False)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A new address asked for on /account/: it replaces `email` once confirmed.
    pending_email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    # Wrong passwords in a row, and the time before which no attempt is checked.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    next_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    # The key of the UserSession this request runs in; set by accounts.services.
    session_key = None

    def get_id(self) -> str:
        # What Flask-Login stores in the session and the remember cookie.
        return f"{self.id}:{self.session_key}"

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """One signed-in device. Deleting the row ends that session and its remember cookie."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
