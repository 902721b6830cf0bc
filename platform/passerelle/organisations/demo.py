"""Demo accounts for trying the platform: one per role, all with the same password."""

from sqlalchemy import select

from passerelle.accounts import services as accounts
from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.organisations.models import MemberRole, Membership, Organisation

DEMO_PASSWORD = "passerelle-demo"
DEMO_ACCOUNTS = (
    # e-mail, name, locale, organisation slug or None, role or "admin"
    ("admin@demo.passerelle.example", "Alex Admin", "en", None, "admin"),
    ("coordinator@demo.passerelle.example", "Claire Coordinatrice", "fr", "cire", "coordinator"),
    ("network@demo.passerelle.example", "Nadia Netwerk", "nl", "groupe-transit", "coordinator"),
    ("staff@demo.passerelle.example", "Sam Staff", "fr", "cpas-thuin", "staff"),
    ("volunteer@demo.passerelle.example", "Vera Vrijwilliger", "nl", None, "volunteer"),
)


def ensure_demo_accounts() -> list[str]:
    """Create the demo accounts that are missing; returns the e-mails created."""
    created = []
    for email, name, locale, slug, role in DEMO_ACCOUNTS:
        if accounts.user_by_email(email):
            continue
        user = accounts.new_user(name, email, DEMO_PASSWORD, locale)
        user.email_confirmed_at = utcnow()
        user.is_admin = role == "admin"
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        if organisation is not None:
            db.session.add(Membership(user=user, organisation=organisation,
                                      role=MemberRole(role)))
        created.append(email)
    db.session.commit()
    return created
