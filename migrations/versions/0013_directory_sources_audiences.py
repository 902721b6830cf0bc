"""Directory sources, audiences, programme contacts and platform settings

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-01 21:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seed_sources', sa.JSON(), server_default=sa.text("'{}'"),
                                      nullable=False))
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audiences', sa.JSON(), server_default=sa.text("'[]'"),
                                      nullable=False))
        batch_op.add_column(sa.Column('contact', sa.JSON(), server_default=sa.text("'{}'"),
                                      nullable=False))
        batch_op.add_column(sa.Column('seed_sources', sa.JSON(), server_default=sa.text("'{}'"),
                                      nullable=False))
        batch_op.add_column(sa.Column('platform_settings', sa.JSON(),
                                      server_default=sa.text("'{}'"), nullable=False))


def downgrade():
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_column('platform_settings')
        batch_op.drop_column('seed_sources')
        batch_op.drop_column('contact')
        batch_op.drop_column('audiences')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('seed_sources')
