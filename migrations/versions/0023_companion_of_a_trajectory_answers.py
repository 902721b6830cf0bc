"""The companion of a hosting trajectory is asked and answers: their answer, when, and the
reason of a decline. A companion chosen before this revision counts as asked.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 07:15:00

"""
import sqlalchemy as sa
from alembic import op

import passerelle.core.types

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

trajectories = sa.table("trajectories", sa.column("companion_id", sa.Integer),
                        sa.column("companion_answer", sa.String))


def upgrade():
    with op.batch_alter_table('trajectories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('companion_answer', sa.Enum('asked', 'accepted', 'declined', name='companion_answer', native_enum=False, length=16), nullable=True))
        batch_op.add_column(sa.Column('companion_answered_at', passerelle.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('companion_reason', sa.String(length=500), server_default='', nullable=False))
    op.execute(trajectories.update().where(trajectories.c.companion_id.isnot(None))
               .values(companion_answer="asked"))


def downgrade():
    with op.batch_alter_table('trajectories', schema=None) as batch_op:
        batch_op.drop_column('companion_reason')
        batch_op.drop_column('companion_answered_at')
        batch_op.drop_column('companion_answer')
