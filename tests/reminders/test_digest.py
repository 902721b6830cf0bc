"""The daily digest: to each coordinator, in their language, only when something waits."""

from datetime import date

import pytest
from sqlalchemy import func, select

from passerelle.extensions import db as _db
from passerelle.needs import material
from passerelle.organisations.models import NetworkMembership
from passerelle.programmes import services
from passerelle.reminders import preferences
from passerelle.reminders.digest_job import send_digests
from passerelle.reminders.jobs import DAILY
from passerelle.reminders.models import OutboxMessage
from tests.factories import at, make_membership, make_organisation, make_programme, make_user
from tests.needs.factories import make_material_need, make_offer

DAY = date(2026, 6, 1)


@pytest.fixture
def jrs(db):
    return make_organisation(slug="jrs", name="JRS Belgium")


def coordinator_of(organisation, email, locale="en", kind="coordinator"):
    user = make_user(email=email, locale=locale, name="Coordinator")
    make_membership(user, organisation, kind)
    return user


def applications(programme, count):
    for _ in range(count):
        services.apply(make_user(), programme, "", at(DAY))


def digests() -> list[OutboxMessage]:
    return list(_db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")
                                    .order_by(OutboxMessage.id)))


def choose(user, choice, wanted):
    preferences.set_choice(user, choice, wanted)
    _db.session.commit()


def test_an_own_coordinator_gets_one_digest_a_day_in_their_language(smtp, db, jrs):
    programme = make_programme(jrs)
    coordinator = coordinator_of(jrs, "marie@jrs.example", "fr")
    applications(programme, 2)
    staff = make_user()
    make_membership(staff, jrs, "staff")
    need = make_material_need(jrs, "Lits")
    offer = make_offer(make_user(), "Un lit")
    pairing = material.propose(staff, jrs, need.id, offer.id, at(DAY))
    material.confirm_as_owner(offer.owner, pairing.id, at(DAY))

    assert send_digests(at(DAY, 7)) == 1
    assert send_digests(at(DAY, 19)) == 0  # the same Brussels day
    [mail] = [m for m in smtp.messages_to("marie@jrs.example")
              if m["Subject"].startswith("Ce qui vous attend")]
    assert mail["Subject"] == "Ce qui vous attend sur Passerelle, 1 juin 2026"
    text = mail.get_body(("plain",)).get_content()
    assert "== JRS Belgium ==" in text and "name_fr text" in text
    assert "- Envoyée : 2" in text
    assert "http://passerelle.test/programmes/visits/applications" in text
    assert "Appariements de matériel à confirmer : 1" in text
    assert "http://passerelle.test/organisations/jrs/material" in text
    assert "http://passerelle.test/messages/" in text
    assert send_digests(at(date(2026, 6, 2), 7)) == 1  # the next day, another
    # Staff who are not coordinators get none.
    assert [m.recipient_id for m in digests()] == [coordinator.id, coordinator.id]


def test_nothing_waiting_means_no_digest(db, jrs):
    programme = make_programme(jrs, interview=False, charter=False)
    coordinator_of(jrs, "quiet@jrs.example")
    volunteer = make_user()
    application = services.apply(volunteer, programme, "", at(DAY))
    services.refresh_status(application, at(DAY))
    assert application.status == "active"
    assert send_digests(at(DAY, 7)) == 0
    assert digests() == []


def test_a_coordinator_who_turned_the_digest_off_gets_none(db, jrs):
    programme = make_programme(jrs)
    choose(coordinator_of(jrs, "off@jrs.example"), "digest", False)
    applications(programme, 1)
    assert send_digests(at(DAY, 7)) == 0


def test_network_coordinators_and_administrators_only_when_they_opt_in(smtp, db, jrs):
    programme = make_programme(jrs)
    applications(programme, 1)
    network = make_organisation(slug="transit", kind="network")
    db.session.add(NetworkMembership(network=network, member=jrs))
    db.session.commit()
    network_coordinator = coordinator_of(network, "net@transit.example", "nl")
    admin = make_user(email="admin@passerelle.example", is_admin=True)
    assert send_digests(at(DAY, 7)) == 0
    choose(network_coordinator, "network-digest", True)
    choose(admin, "network-digest", True)
    assert send_digests(at(DAY, 8)) == 2
    [mail] = smtp.messages_to("net@transit.example")
    assert mail["Subject"] == "Wat op je wacht op Passerelle, 1 juni 2026"
    assert "- Ingediend: 1" in mail.get_body(("plain",)).get_content()
    assert len(smtp.messages_to("admin@passerelle.example", deliver=False)) == 1


def test_the_digest_runs_daily_at_seven_brussels_time():
    assert ("reminders-digest", 7, send_digests) in DAILY


def test_the_digest_queries_do_not_grow_with_the_applications(db, jrs, count_queries):
    visits, sponsorship = make_programme(jrs), make_programme(jrs, slug="sponsorship")
    other = make_organisation(slug="caritas")
    housing = make_programme(other, slug="housing")
    coordinator_of(jrs, "a@jrs.example")
    coordinator_of(other, "b@caritas.example", "nl")

    def run(day):
        with count_queries() as queries:
            send_digests(at(day, 7))
        return queries.count

    for programme in (visits, sponsorship, housing):
        applications(programme, 1)
    small = run(date(2026, 6, 1)), run(date(2026, 6, 1))
    for programme in (visits, sponsorship, housing):
        applications(programme, 8)
    large = run(date(2026, 6, 2)), run(date(2026, 6, 2))
    assert small == large
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "digest")) == 4
