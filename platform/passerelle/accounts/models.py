"""People who sign in."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String, func
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
    # Bumped on a password change or "log out everywhere": older sessions stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
