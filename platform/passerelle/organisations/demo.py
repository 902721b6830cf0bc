"""Demo accounts for trying the platform: one per role, all with the same password."""

from datetime import datetime

from sqlalchemy import select

from passerelle.accounts import services as accounts
from passerelle.extensions import db
from passerelle.organisations.models import MemberRole, Membership, Organisation, Programme

DEMO_PASSWORD = "passerelle-demo"
DEMO_ACCOUNTS = (
    # e-mail, name, locale, organisation slug or None, role or "admin"
    ("admin@demo.passerelle.example", "Alex Admin", "en", None, "admin"),
    ("coordinator@demo.passerelle.example", "Claire Coordinatrice", "fr", "cire", "coordinator"),
    ("network@demo.passerelle.example", "Nadia Netwerk", "nl", "groupe-transit", "coordinator"),
    ("staff@demo.passerelle.example", "Sam Staff", "fr", "cpas-thuin", "staff"),
    ("volunteer@demo.passerelle.example", "Vera Vrijwilliger", "nl", None, "volunteer"),
)


def ensure_demo_accounts(now: datetime) -> list[str]:
    """Create the demo accounts that are missing; returns the e-mails created."""
    created = []
    for email, name, locale, slug, role in DEMO_ACCOUNTS:
        if accounts.user_by_email(email):
            continue
        user = accounts.new_user(name, email, DEMO_PASSWORD, locale)
        user.email_confirmed_at = now
        user.is_admin = role == "admin"
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        if organisation is not None:
            db.session.add(Membership(user=user, organisation=organisation,
                                      role=MemberRole(role)))
        created.append(email)
    db.session.commit()
    return created


# Example requirements so that the demo shows screening. They are the demo's, not the
# organisations': the directory holds only what the seed texts state.
DEMO_REQUIREMENTS = {
    "cire-sponsorship": {"interview": True, "charter": True},
    "jrs-detention-visits": {
        "interview": True, "accreditation_places": ["caricole", "127bis"],
        "trainings": [{"en": "Visiting people in detention (demo)",
                       "fr": "Visiter des personnes en centre fermé (démo)",
                       "nl": "Mensen bezoeken in een gesloten centrum (demo)"}]},
    "up-together-hosting": {"interview": True},
    "safe-space-hosting": {"interview": True},
}

DEMO_CHARTER = {
    "body_fr": "Charte d’exemple de la démo de Passerelle : elle n’est pas celle de "
               "l’organisation. Je respecte la vie privée des personnes que je rencontre.",
    "body_nl": "Voorbeeldcharter van de Passerelle-demo, niet dat van de organisatie. Ik "
               "respecteer de privacy van de mensen die ik ontmoet.",
    "body_en": "An example charter of the Passerelle demo, not the organisation's own. I "
               "respect the privacy of the people I meet.",
}


def ensure_demo_requirements(now: datetime) -> list[str]:
    """Give the demo programmes example requirements, once; returns the slugs changed."""
    from passerelle.programmes.models import Charter, Requirements, Training

    changed = []
    for slug, spec in DEMO_REQUIREMENTS.items():
        programme = db.session.scalar(select(Programme).where(Programme.slug == slug))
        if programme is None or db.session.scalar(select(Requirements.id).where(
                Requirements.programme_id == programme.id)):
            continue
        db.session.add(Requirements(
            programme_id=programme.id, interview=spec.get("interview", False),
            charter=spec.get("charter", False),
            accreditation_places=list(spec.get("accreditation_places", []))))
        if spec.get("charter") and not db.session.scalar(select(Charter.id).where(
                Charter.programme_id == programme.id)):
            db.session.add(Charter(programme_id=programme.id, version=1,
                                   published_at=now, **DEMO_CHARTER))
        for names in spec.get("trainings", []):
            db.session.add(Training(programme_id=programme.id, name_fr=names["fr"],
                                    name_nl=names["nl"], name_en=names["en"]))
        changed.append(slug)
    db.session.commit()
    return changed
