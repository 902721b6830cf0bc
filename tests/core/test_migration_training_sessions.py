"""Migration 0022 moves training sessions into events, with their sign-ups, attendance and
pending messages (on a database of its own, brought to 0021 first)."""

from datetime import UTC, datetime

import flask_migrate
import pytest
from sqlalchemy import text

from passerelle import create_app
from passerelle.extensions import db
from tests.conftest import _config

START = datetime(2027, 3, 28, 16, 0, tzinfo=UTC)  # 18:00 in Brussels, summer time


def test_training_sessions_become_events_with_their_sign_ups(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("run on a SQLite file of its own; the schema itself is checked on both")
    app = create_app(_config(f"sqlite:///{tmp_path / 'old.db'}", tmp_path / "mail"))
    with app.app_context():
        flask_migrate.upgrade(revision="0021")
        run = lambda sql, **values: db.session.execute(text(sql), values)  # noqa: E731
        run("INSERT INTO users (id, email, name, password_hash, locale, is_admin, failed_logins)"
            " VALUES (7, 'an@example.org', 'An', 'x', 'nl', 0, 0)")
        run("INSERT INTO organisations (id, slug, name, kind, country, description_fr,"
            " description_nl, description_en, is_listed)"
            " VALUES (1, 'cire', 'CIRÉ', 'ngo', 'BE', '', '', '', 1)")
        run("INSERT INTO programmes (id, slug, organisation_id, kind, name_fr, name_nl, name_en,"
            " description_fr, description_nl, description_en, cities, facts, is_listed)"
            " VALUES (3, 'transit', 1, 'detention_visits', 'Visites', 'Bezoeken', 'Visits',"
            " '', '', '', '[]', '{}', 1)")
        run("INSERT INTO trainings (id, programme_id, name_fr, name_nl, name_en)"
            " VALUES (5, 3, 'Visiter', 'Bezoeken', 'Visiting')")
        run("INSERT INTO training_sessions (id, training_id, starts_at, ends_at, place, capacity)"
            " VALUES (11, 5, :start, :end, 'Rue du Vivier 80', 12)",
            start=START.replace(tzinfo=None), end=START.replace(tzinfo=None, hour=19))
        run("INSERT INTO training_signups (session_id, user_id, signed_up_at, attended)"
            " VALUES (11, 7, :at, 1)", at=START.replace(tzinfo=None, hour=8))
        db.session.commit()
        flask_migrate.upgrade()
        event = run("SELECT id, kind, title_nl, address, starts_local, minutes, training_id"
                    " FROM events").one()
        assert event[1:4] == ("training", "Bezoeken", "Rue du Vivier 80")
        assert str(event[4]).startswith("2027-03-28 18:00") and event[5:] == (180, 5)
        assert run("SELECT places FROM event_roles WHERE event_id = :e", e=event[0]).scalar() == 12
        occurrence = run("SELECT id, starts_at FROM occurrences WHERE event_id = :e",
                         e=event[0]).one()
        signup = run("SELECT user_id, status, checked_in_at FROM signups"
                     " WHERE occurrence_id = :o", o=occurrence[0]).one()
        assert signup[:2] == (7, "confirmed") and signup[2] is not None
        tables = set(run("SELECT name FROM sqlite_master WHERE type = 'table'").scalars())
        assert "training_sessions" not in tables and "training_signups" not in tables
        db.engine.dispose()
