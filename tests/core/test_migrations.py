from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from passerelle.extensions import include_name


def test_migrations_from_empty_give_exactly_the_models(db):
    """The test database was built by `flask db upgrade` from empty (see conftest)."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name})
        assert compare_metadata(context, db.metadata) == []


def test_sqlite_has_foreign_keys_and_wal(db):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
