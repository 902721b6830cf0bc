"""Small factories: real rows through the real models, committed."""

import itertools
from datetime import date, datetime, time

from werkzeug.security import generate_password_hash

from passerelle.accounts.models import User
from passerelle.core.time import BRUSSELS, utcnow
from passerelle.extensions import db
from passerelle.organisations.models import Membership, Organisation
from passerelle.programmes import setup

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
# Hashing is slow on purpose; tests share one hash of PASSWORD.
_PASSWORD_HASH = generate_password_hash(PASSWORD)


def at(day: date, hour: int = 10) -> datetime:
    """An instant on `day`, Brussels time: the `now` a service is given for that day."""
    return datetime.combine(day, time(hour), BRUSSELS)


def make_user(email=None, name="Ada Peeters", locale="en", is_admin=False, confirmed=True):
    n = next(_counter)
    user = User(email=email or f"person{n}@example.org", name=name, locale=locale,
                is_admin=is_admin, password_hash=_PASSWORD_HASH,
                email_confirmed_at=utcnow() if confirmed else None)
    db.session.add(user)
    db.session.commit()
    return user


def session_id_for(user) -> str:
    """Open a server-side session for `user`, as logging in does; returns the id that
    Flask-Login keeps in the session cookie (`session["_user_id"]`)."""
    from passerelle.accounts.services import start_session

    start_session(user, utcnow())
    return user.get_id()


def make_organisation(slug=None, name=None, kind="ngo", **fields):
    n = next(_counter)
    organisation = Organisation(slug=slug or f"organisation-{n}", name=name or f"Organisation {n}",
                                kind=kind, description_fr="Une association.",
                                description_nl="Een vereniging.",
                                description_en="An association.", **fields)
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_membership(user, organisation, role="staff"):
    membership = Membership(user=user, organisation=organisation, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


def make_programme(organisation, slug="visits", kind="sponsorship", interview=True,
                   charter=True, minimum_age=None, places=(), trainings=(), good_conduct=False):
    programme = setup.create_programme(organisation, slug, setup.ProgrammeData(
        kind=kind, texts={name: f"{name} text" for name in setup.TEXT_FIELDS}, cities=[],
        interview=interview, charter=charter, minimum_age=minimum_age,
        accreditation_places=list(places), settings={}, good_conduct=good_conduct), utcnow())
    if charter:
        setup.publish_charter(programme, {"body_fr": "Charte", "body_nl": "Charter",
                                          "body_en": "Charter text v1"}, valid_months=12,
                              now=utcnow())
    for name in trainings:
        setup.add_training(programme, {"name_fr": name, "name_nl": name, "name_en": name}, 24)
    return programme


def enrol_two_factor(user) -> str:
    """Two-step verification set up a while ago, as staff have it; returns the secret."""
    from datetime import timedelta

    import pyotp

    from passerelle.accounts.twofactor import services as two_factor

    secret = two_factor.begin_enrolment(user).secret
    earlier = utcnow() - timedelta(minutes=5)
    two_factor.confirm_enrolment(user, pyotp.TOTP(secret).at(earlier), earlier)
    return secret


def mail_text(mail) -> str:
    """The plain-text part of a received mail (each has a plain and an HTML part)."""
    return mail.get_body(("plain",)).get_content()


def of_kind(mails, kind: str) -> list:
    """The mails of one kind of message: their Message-ID starts with the outbox key,
    which starts with the kind."""
    return [m for m in mails if m["Message-ID"].strip().startswith(f"<{kind}.")]
