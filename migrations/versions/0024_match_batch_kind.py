"""A match batch says what it proposes: matches (the default) or language duos. The batches
a duos row points to are the duo batches made before this revision.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

match_batches = sa.table("match_batches", sa.column("id", sa.Integer),
                         sa.column("kind", sa.String))
duos = sa.table("duos", sa.column("batch_id", sa.Integer))


def upgrade():
    with op.batch_alter_table('match_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.Enum('matches', 'duos', name='batch_kind', native_enum=False, length=16), server_default='matches', nullable=False))
    op.execute(match_batches.update()
               .where(sa.exists().where(duos.c.batch_id == match_batches.c.id))
               .values(kind="duos"))


def downgrade():
    with op.batch_alter_table('match_batches', schema=None) as batch_op:
        batch_op.drop_column('kind')
