import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from passerelle.extensions import include_name
from passerelle.organisations.models import Membership


def test_migrations_from_empty_give_exactly_the_models(db):
    """The test database was built by `flask db upgrade` from empty (see conftest)."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name})
        assert compare_metadata(context, db.metadata) == []


def test_the_database_refuses_a_row_that_points_at_nothing(db):
    """Foreign keys hold on both databases (SQLite enforces them only when told to)."""
    db.session.add(Membership(user_id=999_999, organisation_id=999_999, role="staff"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_sqlite_has_foreign_keys_and_wal(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PRAGMA settings of SQLite; PostgreSQL has neither")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
