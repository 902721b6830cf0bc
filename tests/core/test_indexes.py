from sqlalchemy import Index, PrimaryKeyConstraint, UniqueConstraint

from passerelle.extensions import db


def leading_columns(table) -> set[str]:
    """Columns that lead an index (or a unique or primary key, which has one)."""
    found = {index.columns[0].name for index in table.indexes if isinstance(index, Index)}
    found |= {constraint.columns[0].name for constraint in table.constraints
              if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint)
              and constraint.columns}
    return found


def test_every_foreign_key_leads_an_index(app):
    """Deleting a user or a programme, and every join on a foreign key, must not scan."""
    missing = [f"{table.name}.{fk.column_keys[0]}" for table in db.metadata.sorted_tables
               for fk in table.foreign_key_constraints
               if fk.column_keys[0] not in leading_columns(table)]
    assert missing == []


def test_coordinates_and_the_queue_have_their_indexes(app):
    def columns(table):
        return {tuple(c.name for c in index.columns) for index in table.indexes}

    tables = db.metadata.tables
    # The needs' coordinates lead an index that also covers the public page's filters.
    assert any(index[:2] == ("lat", "lon") for index in columns(tables["needs"]))
    assert ("lat", "lon") in columns(tables["volunteer_profiles"])
    assert ("programme_id", "status", "updated_at") in columns(tables["applications"])
