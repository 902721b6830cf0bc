"""Coordinators write to a programme's volunteers through the outbox."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from passerelle.extensions import db as _db
from passerelle.programmes import services
from passerelle.reminders import preferences
from passerelle.reminders.models import OutboxMessage
from tests.factories import at, make_organisation, make_programme, make_user, of_kind

URL = "/programmes/visits/news"


@pytest.fixture
def jrs(db):
    return make_organisation(slug="jrs", name="JRS Belgium")


@pytest.fixture
def programme(jrs):
    return make_programme(jrs)


def volunteer(programme, email, locale, status=None):
    user = make_user(email=email, locale=locale)
    application = services.apply(user, programme, "", at(date(2026, 3, 1)))
    if status == "refused":
        services.record_screening(make_user(), application, False, "", at(date(2026, 3, 2)))
    elif status == "withdrawn":
        services.withdraw(user, application, "", at(date(2026, 3, 2)))
    elif status == "screened":
        services.record_screening(make_user(), application, True, "", at(date(2026, 3, 2)))
    return user


@pytest.fixture
def volunteers(programme):
    return {"fr": volunteer(programme, "amina@example.org", "fr"),
            "nl": volunteer(programme, "jan@example.org", "nl", "screened"),
            "refused": volunteer(programme, "no@example.org", "en", "refused"),
            "left": volunteer(programme, "left@example.org", "en", "withdrawn")}


def written() -> int:
    return _db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "programme-news"))


def form(**fields):
    return {"to": "all", "subject": "", "body": "", "subject_fr": "", "body_fr": "",
            "subject_nl": "", "body_nl": "", "subject_en": "", "body_en": "", **fields}


def batch_of(page: str) -> str:
    return re.search(r'name="batch" type="hidden" value="([0-9a-f]{16})"', page).group(1)


def test_the_page_counts_then_sends_one_mail_each_in_their_language(client, smtp, db, jrs,
                                                                    login_as, volunteers):
    coordinator = login_as("coordinator", organisation=jrs, email="lea@jrs.example")
    assert 'href="/programmes/visits/news"' in client.get(
        "/programmes/visits/applications").get_data(as_text=True)
    data = form(subject="Réunion", body="Rendez-vous jeudi à 18h.",
                subject_nl="Vergadering", body_nl="Afspraak donderdag om 18 uur.")
    page = client.post(URL, data=data | {"step": "check"}).get_data(as_text=True)
    assert "2 volunteer(s) will receive this message" in page
    assert "Afspraak donderdag om 18 uur." in page  # what was typed is kept
    assert written() == 0
    response = client.post(URL, data=data | {"step": "send", "batch": batch_of(page)},
                           follow_redirects=True)
    assert "The message is on its way to 2 volunteer(s)" in response.get_data(as_text=True)

    [to_amina] = of_kind(smtp.messages_to("amina@example.org"), "programme-news")
    assert to_amina["Subject"] == "Réunion"
    assert to_amina["To"] == "amina@example.org"
    assert to_amina["Reply-To"] == "lea@jrs.example"
    text = to_amina.get_body(("plain",)).get_content()
    assert "Rendez-vous jeudi à 18h." in text
    assert "http://passerelle.test/applications/" in text
    assert "lea@jrs.example" not in to_amina["To"] and "jan@example.org" not in str(to_amina)
    [to_jan] = of_kind(smtp.messages_to("jan@example.org", deliver=False), "programme-news")
    assert to_jan["Subject"] == "Vergadering"
    assert "Afspraak donderdag om 18 uur." in to_jan.get_body(("plain",)).get_content()
    assert "Een bericht van Ada Peeters" in to_jan.get_body(("plain",)).get_content()
    for address in ("no@example.org", "left@example.org"):
        assert of_kind(smtp.messages_to(address, deliver=False), "programme-news") == []
    assert coordinator.email == "lea@jrs.example"


def test_sending_the_same_page_twice_writes_each_message_once(client, db, jrs, login_as,
                                                              volunteers):
    login_as("coordinator", organisation=jrs)
    data = form(subject="News", body="Hello all")
    page = client.post(URL, data=data).get_data(as_text=True)
    for _ in range(2):
        client.post(URL, data=data | {"step": "send", "batch": batch_of(page)})
    assert written() == 2


def test_recipients_by_status_and_their_choice(client, db, jrs, login_as, volunteers):
    login_as("coordinator", organisation=jrs)
    page = client.post(URL, data=form(to="refused", subject="S", body="B")).get_data(
        as_text=True)
    assert "1 volunteer(s) will receive" in page
    preferences.set_choice(volunteers["nl"], "programme-news", False)
    db.session.commit()
    page = client.post(URL, data=form(subject="S", body="B")).get_data(as_text=True)
    assert "1 volunteer(s) will receive" in page
    client.post(URL, data=form(subject="S", body="B", step="send", batch=batch_of(page)))
    [message] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "programme-news")).all()
    assert message.to_address == "amina@example.org"


@pytest.mark.parametrize(("fields", "message", "kept"), [
    ({"subject": "Only a subject"}, "Write the text that goes with this subject.",
     "Only a subject"),
    ({"body_fr": "Un texte sans objet"}, "Give this text a subject.", "Un texte sans objet"),
    ({"subject_fr": "Objet", "body_fr": "Seulement en français"},
     "Some recipients read this language", "Seulement en français"),
    ({"to": "everybody", "subject": "S", "body": "Kept text"},
     "Choose the recipients from the list.", "Kept text"),
    ({"to": "withdrawn", "subject": "S", "body": "Kept text"},
     "Choose the recipients from the list.", "Kept text"),
    ({"to": "accredited", "subject": "S", "body": "Kept text"},
     "Nobody would receive this message", "Kept text"),
    ({"subject": "S" * 201, "body": "Kept text"}, "At most 200 characters.", "Kept text"),
])
def test_bad_input_is_shown_beside_the_field_and_nothing_is_written(client, db, jrs, login_as,
                                                                    volunteers, fields, message,
                                                                    kept):
    login_as("coordinator", organisation=jrs)
    for step in ("check", "send"):
        response = client.post(URL, data=form(**fields) | {"step": step,
                                                            "batch": "0123456789abcdef"})
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert message in page and kept in page
    assert written() == 0


@pytest.mark.parametrize("role", ["staff", "volunteer", "other_coordinator"])
def test_others_get_404_and_nothing_is_written(client, db, jrs, login_as, volunteers, role):
    if role == "other_coordinator":
        login_as("coordinator", organisation=make_organisation())
    else:
        login_as(role, organisation=jrs) if role == "staff" else login_as(role)
    assert client.get(URL).status_code == 404
    data = form(subject="S", body="B", step="send", batch="0123456789abcdef")
    assert client.post(URL, data=data).status_code == 404
    assert written() == 0
