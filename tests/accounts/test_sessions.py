"""Sessions live on the server: logging out ends them, copied cookies included (hole 3)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from passerelle.accounts import services
from passerelle.accounts.models import UserSession
from tests.factories import PASSWORD, make_user

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def login(client, email="jef@example.org", **fields):
    return client.post("/account/login", data={"email": email, "password": PASSWORD, **fields})


def replay(app, **cookies):
    """Another browser holding copies of these cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def test_a_copied_session_cookie_is_refused_after_logout(app, client):
    make_user(email="jef@example.org")
    login(client)
    copied = client.get_cookie("session").value
    assert replay(app, session=copied).get("/account/").status_code == 200
    client.post("/account/logout")
    assert replay(app, session=copied).get("/account/").status_code == 302


def test_a_remember_cookie_replayed_after_logout_is_refused(app, client):
    make_user(email="jef@example.org")
    login(client, remember="y")
    remembered = client.get_cookie("remember_token").value
    thief = replay(app, remember_token=remembered)
    assert thief.get("/account/").status_code == 200
    client.post("/account/logout")
    assert thief.get("/account/").status_code == 302
    assert replay(app, remember_token=remembered).get("/account/").status_code == 302


def test_logout_ends_only_this_device(app, client, db):
    make_user(email="jef@example.org")
    other_device = app.test_client()
    login(client)
    login(other_device)
    client.post("/account/logout")
    assert other_device.get("/account/").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1


def test_a_session_ends_on_the_server_when_it_expires(app, db):
    user = make_user(email="jef@example.org")
    services.start_session(user, T0)
    short = user.get_id()
    services.start_session(user, T0, remember=True)
    remembered = user.get_id()
    assert services.load_session_user(short, T0 + timedelta(hours=11)) == user
    assert services.load_session_user(short, T0 + timedelta(hours=12)) is None
    assert services.load_session_user(remembered, T0 + timedelta(days=29)) == user
    assert services.load_session_user(remembered, T0 + timedelta(days=30)) is None


def test_a_session_key_works_only_with_its_own_account(app, db):
    jef, lotte = make_user(email="jef@example.org"), make_user(email="lotte@example.org")
    services.start_session(jef, T0)
    key = jef.get_id().partition(":")[2]
    assert services.load_session_user(f"{lotte.id}:{key}", T0) is None
    assert services.load_session_user(f"{jef.id}:", T0) is None
    assert services.load_session_user(f"{jef.id}:forged", T0) is None
