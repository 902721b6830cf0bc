"""A companion who accepted and then could no longer accompany reads as such
("withdrawn"), not as one who declined when asked. The column stays a VARCHAR(16): only
the values the model accepts change. Withdrawals made before this revision stay
"declined" (the audit log's companion_quit tells them apart).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 13:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

BEFORE = sa.Enum('asked', 'accepted', 'declined', name='companion_answer', native_enum=False,
                 length=16)
AFTER = sa.Enum('asked', 'accepted', 'declined', 'withdrawn', name='companion_answer',
                native_enum=False, length=16)
trajectories = sa.table("trajectories", sa.column("companion_answer", sa.String))


def upgrade():
    with op.batch_alter_table('trajectories', schema=None) as batch_op:
        batch_op.alter_column('companion_answer', existing_type=BEFORE, type_=AFTER,
                              existing_nullable=True)


def downgrade():
    op.execute(trajectories.update().where(trajectories.c.companion_answer == "withdrawn")
               .values(companion_answer="declined"))
    with op.batch_alter_table('trajectories', schema=None) as batch_op:
        batch_op.alter_column('companion_answer', existing_type=AFTER, type_=BEFORE,
                              existing_nullable=True)
