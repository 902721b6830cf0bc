"""Migration 0024 gives each match batch its kind: "duos" for the batches a duo points at,
"matches" for the others (on a database of its own, brought to 0023 first)."""

from datetime import datetime

import flask_migrate
import pytest
from sqlalchemy import text

from passerelle import create_app
from passerelle.extensions import db
from tests.conftest import _config

AT = datetime(2026, 11, 2, 9, 0)  # naive UTC, as the old rows were written


def test_batches_a_duo_points_at_become_duo_batches(database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("run on a SQLite file of its own; the schema itself is checked on both")
    app = create_app(_config(f"sqlite:///{tmp_path / 'old.db'}", tmp_path / "mail"))
    with app.app_context():
        flask_migrate.upgrade(revision="0023")
        run = lambda sql, **values: db.session.execute(text(sql), values)  # noqa: E731
        for user_id, name in ((7, "Ada"), (8, "Farah")):
            run("INSERT INTO users (id, email, name, password_hash, locale, is_admin,"
                " failed_logins) VALUES (:id, :email, :name, 'x', 'fr', 0, 0)",
                id=user_id, email=f"{name.lower()}@example.org", name=name)
        run("INSERT INTO organisations (id, slug, name, kind, country, description_fr,"
            " description_nl, description_en, is_listed)"
            " VALUES (1, 'cire', 'CIRÉ', 'ngo', 'BE', '', '', '', 1)")
        run("INSERT INTO programmes (id, slug, organisation_id, kind, name_fr, name_nl, name_en,"
            " description_fr, description_nl, description_en, cities, facts, is_listed)"
            " VALUES (3, 'langue', 1, 'language_exchange', 'Langue', 'Taal', 'Language',"
            " '', '', '', '[]', '{}', 1)")
        for batch_id in (21, 22):  # 21 proposed a duo; 22 proposed nothing a duo points at
            run("INSERT INTO match_batches (id, programme_id, created_at, objective, status,"
                " total, greedy_total, greedy_places, pairs_considered, uncovered)"
                " VALUES (:id, 3, :at, 'score', 'open', 0, 0, 0, 0, '[]')", id=batch_id, at=AT)
        run("INSERT INTO duos (programme_id, first_id, second_id, status, weight, reasons,"
            " batch_id, proposed_at, reason)"
            " VALUES (3, 7, 8, 'proposed', 10, '{}', 21, :at, '')", at=AT)
        db.session.commit()
        flask_migrate.upgrade()
        kinds = dict(run("SELECT id, kind FROM match_batches").all())
        assert kinds == {21: "duos", 22: "matches"}
        run("INSERT INTO match_batches (id, programme_id, created_at, objective, status,"
            " total, greedy_total, greedy_places, pairs_considered, uncovered)"
            " VALUES (23, 3, :at, 'score', 'open', 0, 0, 0, 0, '[]')", at=AT)
        assert run("SELECT kind FROM match_batches WHERE id = 23").scalar() == "matches"
        db.session.rollback()
        db.engine.dispose()
