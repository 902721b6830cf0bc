"""The audit log: who read or changed a sensitive record, and when.

An entry names its record by type and id, without a foreign key, so that it outlives the
record. Writing an entry does not commit: the service that reads or changes commits.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String, insert, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from passerelle.accounts.models import User
from passerelle.core.types import UTCDateTime
from passerelle.extensions import db

ACTION_LABELS = {
    "read": _l("read"), "created": _l("created"), "updated": _l("updated"),
    "deleted": _l("deleted"), "purged": _l("deleted after its retention date"),
    "2fa_reset": _l("two-step verification reset"),
    # Organisations' teams and invitations
    "invited": _l("invitation sent"), "invite_approved": _l("invitation approved"),
    "first_coord": _l("first coordinator named by an administrator"),
    "invite_refused": _l("invitation refused"), "invite_revoked": _l("invitation revoked"),
    "member_added": _l("member added"), "role_changed": _l("role changed"),
    "member_removed": _l("member removed"),
    "linked": _l("linked to a need"), "unlinked": _l("unlinked from a need"),
    "exported": _l("exported"), "erased": _l("erased"),
    # Matches
    "proposed": _l("proposed"), "approved": _l("approved"), "refused": _l("refused"),
    "accepted": _l("accepted"), "declined": _l("declined"), "lapsed": _l("lapsed"),
    "ended": _l("ended"), "cancelled": _l("withdrawn"), "excluded": _l("excluded"),
    # Hosting trajectories
    "planned": _l("planned"), "withdrawn": _l("withdrawn"),
    "companion": _l("companion chosen"), "companion_yes": _l("companion accepted"),
    "companion_no": _l("companion declined"),
    "companion_quit": _l("companion withdrew after accepting"),
    "contact": _l("contact recorded"),
}
# Where a read happened, and so what it showed.
PAGE_LABELS = {
    "record": _l("on its page"), "edit_form": _l("in its edit form"),
    "list": _l("in the list of people supported"),
    "need_form": _l("its first name, in a need form"),
    "candidates": _l("with the candidates for its need"),
    "match": _l("its first name and languages, on a match's page"),
    "hosting": _l("among the guests waiting for a trajectory"),
    "trajectory": _l("on its trajectory's page"),
    "stay": _l("its first name, languages and household size, on a stay's page"),
    "my_stays": _l("its first name and household size, in a host's stays"),
    "my_data": _l("its first name, in a companion's or host's download of their own data"),
    "accompany": _l("its first name and nights, on its companion's page"),
    "accompanied": _l("its first name, in the guests a companion accompanies"),
    "pool": _l("its first name, on a sponsorship pool's page"),
    "sponsor": _l("its first name, to a sponsor in contact with it"),
    "sponsor_form": _l("its first name, in a sponsor's \"I met this family\" form"),
}
PER_PAGE = 20


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None when the system acted (the retention job) or the account has since been deleted.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    action: Mapped[str] = mapped_column(String(16))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    # The person a change is about, when that is not the record (a member of a team).
    subject_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    page: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    subject_user: Mapped[User | None] = relationship(foreign_keys=[subject_user_id])

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def page_label(self) -> str:
        return str(PAGE_LABELS.get(self.page, "")) if self.page else ""



def log(user: User | None, action: str, record, at: datetime,
        subject: User | None = None, page: str | None = None) -> AuditEntry:
    """Add an entry for `record` (a flushed model with an `audit_type`) to the session;
    `subject` is the person the change is about, if not the record itself; `page` says
    where a read happened."""
    entry = AuditEntry(user_id=user.id if user is not None else None, action=action,
                       record_type=record.audit_type, record_id=record.id, at=at,
                       subject_user_id=subject.id if subject is not None else None, page=page)
    db.session.add(entry)
    return entry


def record_read(user: User, record, at: datetime, page: str | None = None) -> AuditEntry:
    return log(user, "read", record, at, page=page)


def record_reads(user: User, records: list, at: datetime, page: str) -> None:
    """One read of each record (flushed models with an `audit_type`), in one statement
    however many: a list page logs each row it shows."""
    if records:
        db.session.execute(insert(AuditEntry), [
            {"user_id": user.id, "action": "read", "record_type": record.audit_type,
             "record_id": record.id, "at": at, "page": page} for record in records])


def entries_for(record_type: str, record_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.record_type == record_type, AuditEntry.record_id == record_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())))


def entries_page(record_type: str, record_id: int, page: int,
                 per_page: int = PER_PAGE) -> tuple[list[AuditEntry], bool]:
    """One page of a record's entries, newest first, and whether an older page follows."""
    page = min(max(page, 1), 10**6)
    found = list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.record_type == record_type, AuditEntry.record_id == record_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page).limit(per_page + 1)))
    return found[:per_page], len(found) > per_page


def entries_by(user_id: int) -> list[AuditEntry]:
    """What a person did to sensitive records, oldest first (for their data export)."""
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.user_id == user_id)
                                   .order_by(AuditEntry.at, AuditEntry.id)))


def last_entries(record_type: str, record_ids, actions, user_id: int | None = None
                 ) -> dict[int, tuple[int | None, str, datetime]]:
    """Per record, the latest of these actions on it (by this user, if given), as (who,
    action, when): where a row keeps only that it was answered, who answered last."""
    ids = list(record_ids)
    if not ids:
        return {}
    query = select(AuditEntry.record_id, AuditEntry.user_id, AuditEntry.action,
                   AuditEntry.at).where(AuditEntry.record_type == record_type,
                                        AuditEntry.record_id.in_(ids),
                                        AuditEntry.action.in_(list(actions)))
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    return {record_id: (who, action, at) for record_id, who, action, at in
            db.session.execute(query.order_by(AuditEntry.at, AuditEntry.id))}
