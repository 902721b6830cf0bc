"""Fixtures every test builds on: app, db, client, login_as, smtp, and a live server.

The schema is made once per run by the real migrations (so every test runs on what
`flask db upgrade` gives); after each test every table is emptied.
"""

import os
import socket
import threading
from pathlib import Path

import flask_migrate
import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from passerelle import create_app
from passerelle.extensions import db as _db
from passerelle.extensions import limiter
from tests.factories import make_user, session_id_for


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def _config(database_url: str, mail_dir: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_SERVER": "",
        "MAIL_DIR": str(mail_dir),
        "RATELIMIT_STORAGE_URI": "memory://",
        "PASSERELLE_BASE_URL": "http://passerelle.test",
        "PASSERELLE_PLAN_SECONDS": 2,  # the plans are checked, not how long SCIP searched
    }


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory) -> str:
    """The test database, brought from empty to the latest revision by the migrations."""
    app = create_app(_config(database_url, tmp_path_factory.mktemp("mail")))
    with app.app_context():
        flask_migrate.upgrade()
        _db.engine.dispose()
    return database_url


class FreshContextClient(FlaskClient):
    """Each request in its own app context, as in production.

    Otherwise a request reuses the test's app context, and `g` (where Flask-Login keeps
    the user and Flask-Babel the locale) leaks from one request into the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(migrated, tmp_path):
    app = create_app(_config(migrated, tmp_path / "mail"))
    app.test_client_class = FreshContextClient
    with app.app_context():
        limiter.reset()  # its counters live on the shared extension object
        yield app
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


def _empty_tables() -> None:
    tables = [table.name for table in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    """A browser that prefers English; i18n tests ask for French or Dutch themselves."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def login_as(app, client):
    """Sign the test client in as a new person with the given role, and return them."""
    from passerelle.accounts.twofactor.gate import SESSION_KEY, verified_value
    from passerelle.core.time import utcnow
    from tests.factories import make_membership, make_organisation

    def login(role: str = "volunteer", organisation=None, second_factor=True, **user_fields):
        """`second_factor=False` leaves a staff-type session short of its second factor."""
        user = make_user(is_admin=(role == "admin"), **user_fields)
        if role in ("staff", "coordinator"):
            make_membership(user, organisation or make_organisation(), role)
        elif role == "network_coordinator":
            make_membership(user, organisation or make_organisation(kind="network"),
                            "coordinator")
        with client.session_transaction() as session:
            session["_user_id"] = session_id_for(user)
            session["_fresh"] = True
            if second_factor and role in ("staff", "coordinator", "network_coordinator",
                                          "admin"):
                session[SESSION_KEY] = verified_value(user, utcnow())
        return user

    return login


@pytest.fixture
def directory(app):
    """The seed directory loaded, as `flask seed` does."""
    from passerelle.organisations.seed import load_directory, read_directory

    return load_directory(read_directory())


def deliver_mail(app, now=None):
    """One pass of the dispatcher, as `flask reminders send-due` does, in its own app
    context (as its own process would have)."""
    from passerelle.core.time import utcnow
    from passerelle.reminders.dispatcher import send_due

    with app.app_context():
        done = send_due(now or utcnow())
        _db.session.remove()
    return done


class Inbox:
    """An SMTP server's received messages. Reading them lets the dispatcher do one pass
    first: nothing leaves the outbox otherwise."""

    def __init__(self, app):
        self.app = app
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def deliver(self, now=None):
        return deliver_mail(self.app, now)

    def messages_to(self, address: str, deliver: bool = True):
        from email import message_from_bytes, policy

        if deliver:
            deliver_mail(self.app)
        return [message_from_bytes(e.content, policy=policy.default)
                for e in self.envelopes if address in e.rcpt_tos]


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback; the app sends its mail there for this test."""
    inbox = Inbox(app)
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    controller.stop()


@pytest.fixture
def live_server(migrated, tmp_path):
    """The app served over HTTP on loopback in a thread, with CSRF on as in production."""
    config = _config(migrated, tmp_path / "mail") | {"WTF_CSRF_ENABLED": True}
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join()
    server.server_close()
    with app.app_context():
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture(scope="session")
def base_url():
    return None


class QueryCounter:
    """Counts the SQL statements the app runs while it is open."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _record(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries: client.get(...)`, then `queries.count`."""
    return lambda: QueryCounter(_db.engine)
