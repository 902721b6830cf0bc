"""A need's title and description in French, Dutch and English; the need an application
answers

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-01 22:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0013'
branch_labels = None
depends_on = None

LOCALES = ('fr', 'nl', 'en')


def upgrade():
    with op.batch_alter_table('needs', schema=None) as batch_op:
        for code in LOCALES:
            batch_op.add_column(sa.Column(f'title_{code}', sa.String(length=200),
                                          server_default='', nullable=False))
            batch_op.add_column(sa.Column(f'description_{code}', sa.Text(),
                                          server_default='', nullable=False))
    # The language of a need written before is not known: it is kept as the French text,
    # which every reader falls back to until staff give the other languages.
    op.execute("UPDATE needs SET title_fr = title, description_fr = COALESCE(description, '')")
    with op.batch_alter_table('needs', schema=None) as batch_op:
        for code in LOCALES:
            batch_op.alter_column(f'title_{code}', server_default=None)
            batch_op.alter_column(f'description_{code}', server_default=None)
        batch_op.drop_column('title')
        batch_op.drop_column('description')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('need_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_need_id'), ['need_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_applications_need_id_needs'), 'needs',
                                    ['need_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_need_id_needs'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_applications_need_id'))
        batch_op.drop_column('need_id')
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='',
                                      nullable=False))
    op.execute("UPDATE needs SET title = COALESCE(NULLIF(title_fr, ''), NULLIF(title_en, ''), "
               "title_nl), description = COALESCE(NULLIF(description_fr, ''), "
               "NULLIF(description_en, ''), description_nl, '')")
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.alter_column('title', server_default=None)
        batch_op.alter_column('description', server_default=None)
        for code in LOCALES:
            batch_op.drop_column(f'description_{code}')
            batch_op.drop_column(f'title_{code}')
