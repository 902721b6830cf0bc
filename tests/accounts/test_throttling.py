"""Guessing passwords: per account in the database, per address in Flask-Limiter (hole 5)."""

from datetime import UTC, datetime, timedelta

import pytest
import werkzeug.security

from passerelle import create_app
from passerelle.accounts import services, throttle
from passerelle.accounts.models import User
from passerelle.core.errors import DomainError
from passerelle.extensions import limiter
from tests.factories import PASSWORD, mail_text, make_user

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def english(app):
    """Service calls made as from a request in English, like the test client's."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def log_in(password, now, email="jef@example.org"):
    return services.log_in(email, password, now)


def failures(db, user):
    db.session.expire_all()
    return db.session.get(User, user.id).failed_logins


def test_the_waits_grow_then_lock_for_a_quarter_of_an_hour():
    assert [throttle.wait_after(n) for n in range(3)] == [None, None, None]
    assert [throttle.wait_after(n).total_seconds() for n in range(3, 11)] == [
        15, 30, 60, 120, 240, 300, 300, 900]


def test_after_a_few_wrong_passwords_the_account_waits_and_the_password_is_not_checked(
        db, english):
    user = make_user(email="jef@example.org")
    for _ in range(3):
        with pytest.raises(DomainError, match="do not match"):
            log_in("wrong password", T0)
    with pytest.raises(DomainError, match="Try again after 10:00:15"):  # Brussels time
        log_in(PASSWORD, T0 + timedelta(seconds=10))
    with pytest.raises(DomainError, match="Try again after"):
        log_in("another wrong one", T0 + timedelta(seconds=14))
    assert failures(db, user) == 3  # refused before looking at the password
    assert log_in(PASSWORD, T0 + timedelta(seconds=15)) == user
    assert failures(db, user) == 0


def test_ten_wrong_passwords_lock_the_account_and_mail_the_owner_an_unlock_link(
        client, db, smtp, english):
    user = make_user(email="jef@example.org", locale="nl")
    now = T0
    for _ in range(throttle.LOCK_AFTER):
        now += throttle.LONGEST_WAIT
        with pytest.raises(DomainError):
            log_in("wrong password", now)
    with pytest.raises(DomainError, match="locked until"):
        log_in(PASSWORD, now + timedelta(minutes=14))
    [mail] = smtp.messages_to("jef@example.org")
    assert "geblokkeerd" in mail["Subject"]
    line = next(line for line in mail_text(mail).splitlines() if "/account/unlock/" in line)
    link = line.replace("http://passerelle.test", "")
    page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "Your account is unlocked" in page
    assert failures(db, user) == 0
    assert log_in(PASSWORD, now + timedelta(minutes=1)) == user
    again = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "This link is invalid or has expired" in again


def test_a_waiting_account_is_refused_at_the_login_form_with_a_translated_message(client, db):
    user = make_user(email="jef@example.org")
    user.failed_logins = 5
    user.next_login_at = datetime.now(UTC) + timedelta(minutes=5)
    db.session.commit()
    page = client.post("/account/login", data={"email": "jef@example.org", "password": PASSWORD},
                       headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Trop de mots de passe erronés. Réessayez après" in page
    assert client.get("/account/").status_code == 302


def test_wrong_current_passwords_on_the_account_pages_count_too(client, db, login_as):
    user = login_as()
    for _ in range(throttle.FREE_FAILURES):
        client.post("/account/password", data={"current": "wrong",
                                                "password": "a brand new password",
                                                "confirm": "a brand new password"})
    assert failures(db, user) == throttle.FREE_FAILURES
    page = client.post("/account/password", data={
        "current": PASSWORD, "password": "a brand new password",
        "confirm": "a brand new password"}).get_data(as_text=True)
    assert "Too many wrong passwords" in page


def test_an_unknown_address_checks_a_password_hash_too(english, monkeypatch):
    checked = []

    def spy(pwhash, password):
        checked.append(pwhash)
        return werkzeug.security.check_password_hash(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    with pytest.raises(DomainError, match="do not match"):
        log_in(PASSWORD, T0, email="nobody@example.org")
    assert len(checked) == 1
    assert checked[0].split("$")[0] == werkzeug.security.generate_password_hash("x").split("$")[0]


@pytest.mark.parametrize(("path", "data", "allowed"), [
    ("/account/reset-password/any-token", {"password": "x"}, 10),
    ("/account/password", {"current": "x"}, 10),
    ("/account/", {"name": ""}, 20),
])
def test_the_account_forms_are_rate_limited(client, login_as, path, data, allowed):
    login_as()
    statuses = [client.post(path, data=data).status_code for _ in range(allowed + 1)]
    assert 429 not in statuses[:-1] and statuses[-1] == 429


def forgot(client, address):
    return client.post("/account/forgot-password", data={"email": "a@example.org"},
                       headers={"X-Forwarded-For": address}).status_code


def test_x_forwarded_for_is_ignored_without_a_configured_proxy(client):
    statuses = [forgot(client, f"203.0.113.{n}") for n in range(11)]
    assert statuses[-1] == 429


def test_x_forwarded_for_is_honoured_behind_a_configured_proxy(app, db):
    behind_proxy = create_app(app.config | {"PASSERELLE_PROXY_COUNT": 1})
    limiter.reset()
    client = behind_proxy.test_client()
    assert 429 not in [forgot(client, f"203.0.113.{n}") for n in range(11)]
    assert [forgot(client, "198.51.100.7") for _ in range(11)][-1] == 429
    with behind_proxy.app_context():
        db.engine.dispose()
