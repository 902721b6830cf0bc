"""Training sessions become events: one event of kind training per session, with one role
holding its capacity and its occurrence; sign-ups move with their attendance; the pending
messages about a session follow it to its occurrence. One kind of event, not two.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 21:10:00

"""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import passerelle.core.types

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

BRUSSELS = ZoneInfo("Europe/Brussels")
UTCDT = passerelle.core.types.UTCDateTime(timezone=True)

sessions = sa.table("training_sessions", sa.column("id", sa.Integer),
                    sa.column("training_id", sa.Integer), sa.column("starts_at", UTCDT),
                    sa.column("ends_at", UTCDT), sa.column("place", sa.String),
                    sa.column("capacity", sa.Integer))
signups_before = sa.table("training_signups", sa.column("session_id", sa.Integer),
                          sa.column("user_id", sa.Integer),
                          sa.column("signed_up_at", UTCDT), sa.column("attended", sa.Boolean))
trainings = sa.table("trainings", sa.column("id", sa.Integer),
                     sa.column("programme_id", sa.Integer), sa.column("name_fr", sa.String),
                     sa.column("name_nl", sa.String), sa.column("name_en", sa.String))
events = sa.table("events", sa.column("exdates", sa.JSON),
                  sa.column("starts_local", sa.DateTime), sa.column("created_at", UTCDT),
                  sa.column("updated_at", UTCDT), *(sa.column(name) for name in (
                      "id", "programme_id", "kind", "title_fr", "title_nl", "title_en",
                      "description_fr", "description_nl", "description_en", "address", "city",
                      "minutes", "training_id")))
roles = sa.table("event_roles", sa.column("id"), sa.column("event_id"), sa.column("places"))
occurrences = sa.table("occurrences", sa.column("id"), sa.column("event_id"),
                       sa.column("original_at", UTCDT), sa.column("starts_at", UTCDT),
                       sa.column("ends_at", UTCDT), sa.column("overridden"),
                       sa.column("cancelled"), sa.column("sequence"))
signups = sa.table("signups", sa.column("occurrence_id"), sa.column("role_id"),
                   sa.column("user_id"), sa.column("status"), sa.column("since", UTCDT),
                   sa.column("whole_series"), sa.column("checked_in_at", UTCDT),
                   sa.column("no_show"))
outbox = sa.table("outbox_messages", sa.column("topic", sa.String))


def _next_id(connection, table) -> int:
    return (connection.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1


def upgrade():
    connection = op.get_bind()
    now = datetime.now(UTC)
    rows = connection.execute(sa.select(sessions, trainings.c.programme_id, trainings.c.name_fr,
                                        trainings.c.name_nl, trainings.c.name_en)
                              .join(trainings, trainings.c.id == sessions.c.training_id)
                              .order_by(sessions.c.id)).mappings().all()
    event_id, role_id, occurrence_id = (_next_id(connection, events), _next_id(connection, roles),
                                        _next_id(connection, occurrences))
    for row in rows:
        starts, ends = row["starts_at"], row["ends_at"]
        connection.execute(events.insert().values(
            id=event_id, programme_id=row["programme_id"], kind="training",
            title_fr=row["name_fr"], title_nl=row["name_nl"], title_en=row["name_en"],
            description_fr="", description_nl="", description_en="", address=row["place"],
            city="", starts_local=starts.astimezone(BRUSSELS).replace(tzinfo=None),
            minutes=int((ends - starts).total_seconds() // 60), exdates=[],
            training_id=row["training_id"], created_at=now, updated_at=now))
        connection.execute(roles.insert().values(id=role_id, event_id=event_id,
                                                 places=row["capacity"]))
        connection.execute(occurrences.insert().values(
            id=occurrence_id, event_id=event_id, original_at=starts, starts_at=starts,
            ends_at=ends, overridden=False, cancelled=False, sequence=0))
        for signup in connection.execute(sa.select(signups_before).where(
                signups_before.c.session_id == row["id"])).mappings():
            connection.execute(signups.insert().values(
                occurrence_id=occurrence_id, role_id=role_id, user_id=signup["user_id"],
                status="confirmed", since=signup["signed_up_at"], whole_series=False,
                checked_in_at=ends if signup["attended"] else None, no_show=False))
        connection.execute(outbox.update().where(outbox.c.topic == f"session-{row['id']}")
                           .values(topic=f"session-{occurrence_id}"))
        event_id, role_id, occurrence_id = event_id + 1, role_id + 1, occurrence_id + 1
    if connection.dialect.name == "postgresql" and rows:
        for table in ("events", "event_roles", "occurrences"):
            connection.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"))

    with op.batch_alter_table('training_signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_signups_user_id'))
        batch_op.drop_index(batch_op.f('ix_training_signups_session_id'))
    op.drop_table('training_signups')
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_sessions_training_id'))
    op.drop_table('training_sessions')


def downgrade():
    raise NotImplementedError("Training sessions live on as events; there is no way back.")
