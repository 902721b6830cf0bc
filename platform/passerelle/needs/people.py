"""The people organisations support: register, read, change, delete, purge.

Every read of a record by a person is written to the audit log: a page that shows a record,
or a row of one, gets it from a function here that logs the read.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from passerelle.accounts.models import User
from passerelle.core import access, audit
from passerelle.core.dates import format_day
from passerelle.core.errors import DomainError, NotFound
from passerelle.core.languages import mask_of
from passerelle.core.time import add_months, day_in_brussels
from passerelle.data.places import Place
from passerelle.extensions import db
from passerelle.needs.models import Need, Person
from passerelle.needs.services import NOT_FOUND, set_place
from passerelle.organisations.models import Organisation, Programme, ProgrammeKind


@dataclass
class PersonData:
    first_name: str
    languages: list[str]
    household_size: int
    place: Place | None
    needs: str
    waiting_since: date
    isolated: bool
    no_outside_contact: bool
    referred_by_id: int | None
    referred_to_id: int | None
    delete_after: date
    housing_from: date | None = None
    housing_until: date | None = None
    guest_kind: str | None = None
    phase: str | None = None


def register(user: User, organisation: Organisation, data: PersonData,
             now: datetime) -> Person:
    if not access.can_register_people(user, organisation):
        raise NotFound(NOT_FOUND)
    _check(organisation, data, day_in_brussels(now))
    person = Person(organisation=organisation)
    _fill(person, data)
    db.session.add(person)
    db.session.flush()
    audit.log(user, "created", person, now)
    db.session.commit()
    return person


def read(user: User, person_id: int, now: datetime) -> Person:
    """A record for its page; the read is logged."""
    person = _visible(user, person_id)
    audit.record_read(user, person, now, page="record")
    db.session.commit()
    return person


def open_for_change(user: User, person_id: int, now: datetime) -> Person:
    """A record for its edit form; the read is logged."""
    person = db.session.get(Person, person_id)
    if person is None or not access.can_change_person(user, person):
        raise NotFound(NOT_FOUND)
    audit.record_read(user, person, now, page="edit_form")
    db.session.commit()
    return person


def update(user: User, person: Person, data: PersonData, now: datetime) -> Person:
    if not access.can_change_person(user, person):
        raise NotFound(NOT_FOUND)
    _check(person.organisation, data, day_in_brussels(now))
    _fill(person, data)
    audit.log(user, "updated", person, now)
    db.session.commit()
    return person


def remove(user: User, person_id: int, now: datetime) -> Organisation:
    """Delete a record now; returns the organisation that had registered it."""
    person = db.session.get(Person, person_id)
    if person is None or not access.can_change_person(user, person):
        raise NotFound(NOT_FOUND)
    organisation = person.organisation
    audit.log(user, "deleted", person, now)
    db.session.delete(person)
    db.session.commit()
    return organisation


def export_record(user: User, person_id: int, now: datetime) -> tuple[Person, list[Need], list]:
    """A record, the needs posted for it and its log, for the registering organisation's
    staff to download; the export is logged."""
    person = db.session.get(Person, person_id)
    if person is None or not access.can_change_person(user, person):
        raise NotFound(NOT_FOUND)
    needs = list(db.session.scalars(select(Need).where(Need.person_id == person.id)
                                    .order_by(Need.id)))
    log = audit.entries_for(Person.audit_type, person.id)
    audit.log(user, "exported", person, now)
    db.session.commit()
    return person, needs, log


def listed_for(user: User, organisation: Organisation,
               now: datetime) -> tuple[list[Person], list[Person]]:
    """The organisation's own records, and those referred to its housing hosting programmes.

    Both are filtered by access.visible_people_clause. Every row is a logged read.
    """
    if not access.works_for(user, organisation):
        raise NotFound(NOT_FOUND)
    visible = access.visible_people_clause(user)
    own = list(db.session.scalars(select(Person).where(
        visible, Person.organisation_id == organisation.id)
        .order_by(Person.waiting_since, Person.id)))
    referred = list(db.session.scalars(select(Person).join(Person.referred_to).where(
        visible, Programme.organisation_id == organisation.id,
        Programme.kind == ProgrammeKind.housing_hosting,
        Person.organisation_id != organisation.id).order_by(Person.waiting_since, Person.id)))
    _log_reads(user, own + referred, "list", now)
    return own, referred


def choices_for_needs(user: User, organisation: Organisation) -> list[Person] | None:
    """The organisation's records a need may be for, or None when this person may not see
    them (an administrator, a network coordinator). Nothing is logged here: the page that
    shows the first names logs them with `shown_in_need_form`."""
    if not access.can_register_people(user, organisation):
        return None
    return list(db.session.scalars(select(Person).where(
        access.visible_people_clause(user), Person.organisation_id == organisation.id)
        .order_by(func.lower(Person.first_name))))


def shown_in_need_form(user: User, shown: list[Person], now: datetime) -> None:
    """The need form showed these records' first names: a logged read of each."""
    _log_reads(user, shown, "need_form", now)


def log_of(user: User, person: Person, page: int = 1) -> tuple[list[audit.AuditEntry], bool]:
    """One page of a record's audit log, newest first, for the registering organisation's
    staff only; and whether an older page follows."""
    if not access.can_change_person(user, person):
        return [], False
    return audit.entries_page(Person.audit_type, person.id, page)


def retention_limit(organisation: Organisation, today: date) -> date:
    """The latest delete-after date the organisation allows for a record saved today."""
    return add_months(today, organisation.max_retention_months)


def delete_expired(now: datetime) -> int:
    """Delete the records whose delete-after date (a Brussels day) has passed; their audit
    entries stay."""
    expired = list(db.session.scalars(select(Person).where(
        Person.delete_after < day_in_brussels(now))))
    for person in expired:
        audit.log(None, "purged", person, at=now)
    if expired:
        db.session.execute(delete(Person).where(Person.id.in_([p.id for p in expired])))
    db.session.commit()
    return len(expired)


def referral_programmes(organisation: Organisation) -> list[Programme]:
    """Other organisations' listed housing hosting programmes, where a record may be referred."""
    return list(db.session.scalars(select(Programme).join(Programme.organisation).where(
        Programme.kind == ProgrammeKind.housing_hosting, Programme.is_listed,
        Organisation.is_listed, Programme.organisation_id != organisation.id)
        .order_by(func.lower(Organisation.name), Programme.id)))


def partner_organisations(organisation: Organisation) -> list[Organisation]:
    """Organisations that may have referred someone: every listed one but this one."""
    return list(db.session.scalars(select(Organisation).where(
        Organisation.is_listed, Organisation.id != organisation.id)
        .order_by(func.lower(Organisation.name))))


def _visible(user: User, person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None or not access.can_see_person(user, person):
        raise NotFound(NOT_FOUND)
    return person


def _log_reads(user: User, people: list[Person], page: str, now: datetime) -> None:
    for person in people:
        audit.log(user, "read", person, at=now, page=page)
    db.session.commit()


def _check(organisation: Organisation, data: PersonData, today: date) -> None:
    if data.delete_after <= today:
        raise DomainError(_l("Choose a date in the future: the record is deleted after it."),
                          field="delete_after")
    limit = retention_limit(organisation, today)
    if data.delete_after > limit:
        raise DomainError(_l(
            "Records are kept at most %(months)d months: choose %(date)s or earlier.",
            months=organisation.max_retention_months, date=format_day(limit, str(get_locale()))),
            field="delete_after")
    if data.waiting_since > today:
        raise DomainError(_l("This date cannot be in the future."), field="waiting_since")
    if data.housing_from and data.housing_until and data.housing_until < data.housing_from:
        raise DomainError(_l("The last night cannot come before the first."),
                          field="housing_until")
    if bool(data.housing_from) != bool(data.housing_until):
        raise DomainError(_l("Give both the first and the last night, or neither."),
                          field="housing_until" if data.housing_from else "housing_from")
    if data.referred_by_id is not None and data.referred_by_id not in {
            o.id for o in partner_organisations(organisation)}:
        raise DomainError(_l("Choose an organisation from the list."), field="referred_by")
    if data.referred_to_id is not None and data.referred_to_id not in {
            p.id for p in referral_programmes(organisation)}:
        raise DomainError(_l("Choose a housing hosting programme from the list."),
                          field="referred_to")


def _fill(person: Person, data: PersonData) -> None:
    person.first_name = data.first_name.strip()
    person.languages = sorted(set(data.languages))
    person.language_mask = mask_of(person.languages)
    person.household_size = data.household_size
    set_place(person, data.place)
    person.needs = data.needs.strip()
    person.waiting_since = data.waiting_since
    person.isolated, person.no_outside_contact = data.isolated, data.no_outside_contact
    person.referred_by_id, person.referred_to_id = data.referred_by_id, data.referred_to_id
    person.delete_after = data.delete_after
    person.housing_from, person.housing_until = data.housing_from, data.housing_until
    person.guest_kind, person.phase = data.guest_kind or None, data.phase or None


def needs_for(person: Person) -> list[Need]:
    """The needs posted for the person, latest first: their candidates are a click away."""
    return list(db.session.scalars(select(Need).where(Need.person_id == person.id)
                                   .order_by(Need.id.desc())))
