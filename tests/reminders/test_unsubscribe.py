"""Stopping a kind of message: the link and headers in the mail, the one-click POST, the
page with a button, forged links, and the choices page."""

from datetime import timedelta

import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import func, select

from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.reminders import outbox, preferences
from passerelle.reminders.models import MessagePreference, OutboxMessage, Status
from tests.factories import make_user

NEWS = "tests/mail/news.txt"


@pytest.fixture
def news_template(app):
    """A plain message of a kind people can stop, ending with the footer every such
    template ends with."""
    app.jinja_env.loader = ChoiceLoader([DictLoader({NEWS: (
        "{{ _('Hello') }} {{ user.name }},\n\n{{ text }}\n\n"
        '{% include "reminders/mail/_footer.txt" %}')}), app.jinja_env.loader])


def _news(user, occurrence="1", due_at=None, kind="programme-news"):
    message = outbox.write(kind, user, "News", NEWS, about="programme-3",
                           occurrence=occurrence, due_at=due_at, text="The season starts.")
    db.session.commit()
    return message


def _reset(user, due_at=None):
    message = outbox.write("account-reset", user, "Reset", "accounts/mail/reset.txt",
                           about=f"user-{user.id}", occurrence=outbox.each_time(),
                           due_at=due_at, link="http://passerelle.test/reset")
    db.session.commit()
    return message


def _path(url):
    return url.replace("http://passerelle.test", "")


def _wanted(user, choice):
    db.session.expire_all()
    return preferences.choices_of(user)[choice]


def test_a_mail_people_can_stop_carries_the_link_and_the_one_click_headers(
        app, smtp, news_template):
    user = make_user(email="news@example.org")
    message = _news(user)
    [mail] = smtp.messages_to("news@example.org")
    assert mail["List-Unsubscribe"] == f"<{message.unsubscribe_url}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/messages/stop/" in message.unsubscribe_url
    text = mail.get_body(("plain",)).get_content()
    assert "To stop this kind of message, open this link:" in text
    assert message.unsubscribe_url in text and "/account/messages" in text
    assert f'href="{message.unsubscribe_url}"' in mail.get_body(("html",)).get_content()


def test_a_password_reset_has_no_stop_link(app, smtp):
    user = make_user(email="reset@example.org")
    message = _reset(user)
    [mail] = smtp.messages_to("reset@example.org")
    assert message.unsubscribe_url is None
    assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None
    assert "/messages/stop/" not in mail.get_body(("plain",)).get_content()


def test_one_click_from_a_mail_program_stops_the_kind_and_cancels_what_waits(
        app, news_template):
    user = make_user(email="click@example.org")
    later = utcnow() + timedelta(days=1)
    first, waiting = _news(user), _news(user, "2", due_at=later)
    reset = _reset(user, due_at=later)
    other = _news(make_user(), "2", due_at=later)
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: the link needs no token
    browser = app.test_client()  # no session at all
    response = browser.post(_path(first.unsubscribe_url),
                            data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "you will no longer receive" in response.get_data(as_text=True)
    assert _wanted(user, "programme-news") is False
    statuses = [db.session.get(OutboxMessage, m.id).status
                for m in (waiting, reset, other)]
    assert statuses == [Status.CANCELLED, Status.PENDING, Status.PENDING]
    assert outbox.write("programme-news", user, "News", NEWS, about="programme-4",
                        occurrence="1", text="x") is None  # nothing more of that kind


def test_opening_the_link_shows_a_button_and_changes_nothing(app, client, news_template):
    user = make_user()
    message = _news(user)
    page = client.get(_path(message.unsubscribe_url)).get_data(as_text=True)
    assert "Stop these messages" in page and "<button" in page
    assert "Messages from the coordinators of my programmes" in page
    assert _wanted(user, "programme-news") is True


@pytest.mark.parametrize("change", [
    lambda token: "forged-token",
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
    lambda token: token.replace(".", ".x", 1),
])
def test_a_forged_or_altered_link_is_not_found_and_writes_nothing(app, client,
                                                                  news_template, change):
    user = make_user()
    message = _news(user, due_at=utcnow() + timedelta(days=1))
    token = message.unsubscribe_url.rsplit("/", 1)[1]
    for method in (client.get, client.post):
        assert method(f"/messages/stop/{change(token)}").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(MessagePreference)) == 0
    assert db.session.get(OutboxMessage, message.id).status == Status.PENDING


def test_a_link_made_for_another_purpose_does_not_stop_anything(app, client):
    from passerelle.core.tokens import make_token

    user = make_user()
    token = make_token("confirm", {"u": user.id, "c": "programme-news"})
    assert client.post(f"/messages/stop/{token}").status_code == 404
    assert _wanted(user, "programme-news") is True


# The choices page

def test_a_volunteer_sees_and_saves_their_choices_and_what_waits_is_cancelled(
        app, client, login_as, news_template):
    user = login_as()
    page = client.get("/account/messages").get_data(as_text=True)
    assert "Messages from the coordinators of my programmes" in page
    assert "daily summary" not in page  # coordinators' choices: not for a volunteer
    waiting = _news(user, due_at=utcnow() + timedelta(days=1))
    kept = {"applications": "y", "events": "y", "event_reminder": "y", "expiry": "y",
            "material": "y"}
    response = client.post("/account/messages", data=kept, follow_redirects=True)
    assert "Your choices are saved." in response.get_data(as_text=True)
    assert _wanted(user, "programme-news") is False and _wanted(user, "events") is True
    assert db.session.get(OutboxMessage, waiting.id).status == Status.CANCELLED
    assert client.post("/account/messages", data={"digest": "y"}).status_code == 302
    assert _wanted(user, "digest") is True  # the default: the field was never offered


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_coordinators_and_administrators_also_choose_about_summaries(client, login_as, role):
    user = login_as(role)
    page = client.get("/account/messages").get_data(as_text=True)
    assert "A daily summary of what waits for me" in page
    assert "Also for the organisations I coordinate as a network" in page
    client.post("/account/messages", data={"network_digest": "y"})
    assert _wanted(user, "network-digest") is True and _wanted(user, "digest") is False


def test_the_choices_page_asks_to_log_in(client):
    response = client.get("/account/messages")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


# In French and Dutch

def test_the_stop_pages_speak_the_language_of_the_mail(app, client, news_template):
    user = make_user(locale="fr")
    message = _news(user)
    page = client.get(_path(message.unsubscribe_url)).get_data(as_text=True)  # browser: en
    assert '<html lang="fr">' in page
    assert "Arrêter ces messages" in page and "Les arrêter" in page
    assert "Les messages des coordinateurs de mes programmes" in page
    page = client.post(_path(message.unsubscribe_url)).get_data(as_text=True)
    assert "vous ne recevrez plus" in page.lower()


def test_the_choices_page_in_dutch(client, login_as):
    user = login_as(locale="nl")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    page = client.get("/account/messages").get_data(as_text=True)
    assert "Mijn berichten" in page and "Mijn keuzes bewaren" in page
    response = client.post("/account/messages", data={}, follow_redirects=True)
    assert "Je keuzes zijn bewaard." in response.get_data(as_text=True)
    assert _wanted(user, "events") is False


def test_an_old_link_for_training_messages_stops_the_events_that_replaced_them(app, client):
    from passerelle.core.tokens import make_token

    user = make_user()
    token = make_token("unsubscribe", {"u": user.id, "c": "trainings"})
    assert client.post(f"/messages/stop/{token}").status_code == 200
    assert _wanted(user, "events") is False and _wanted(user, "applications") is True
