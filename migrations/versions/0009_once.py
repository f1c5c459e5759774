"""Each action once: one share per budget and organisation, one open participation per
organisation and product, one pending request per organisation and product (or participation),
one open-ended term per person and group.

Rows that a double click or two people at once already doubled are dealt with first:
- a budget's shares: the copies of an organisation's share are deleted, the first one recorded
  (lowest id) is kept; copies came from the same approval and hold the same amount;
- pending requests: the first is kept pending, the later copies are marked withdrawn (the
  contact asked once; nothing is deleted);
- open-ended participations and group terms: two agreements are contracts, two terms two
  appointments, which only the secretariat can sort out, so the upgrade stops and names them.

Revision ID: 0009_once
Revises: 0008_fees
Create Date: 2026-12-06 20:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_once'
down_revision = '0008_fees'
branch_labels = None
depends_on = None


OPEN = "ends_on IS NULL"
PENDING_JOIN = "status = 'pending' AND kind = 'join'"
PENDING_LEAVE = "status = 'pending' AND kind = 'leave'"


def _refuse_doubled_participations(connection) -> None:
    doubled = connection.execute(
        sa.text(
            "SELECT organisation_id, product_id, COUNT(*) FROM participation "
            "WHERE ends_on IS NULL GROUP BY organisation_id, product_id HAVING COUNT(*) > 1 "
            "ORDER BY organisation_id, product_id"
        )
    ).all()
    if doubled:
        listed = "; ".join(
            f"organisation {organisation} in product {product} ({count} open-ended)"
            for organisation, product, count in doubled
        )
        raise RuntimeError(
            "Some organisations have more than one open-ended participation in the same "
            f"product: {listed}. Give all but one an end date (or delete the copy) on the "
            "participation pages, then upgrade again."
        )


def _refuse_doubled_terms(connection) -> None:
    doubled = connection.execute(
        sa.text(
            "SELECT group_id, user_id, COUNT(*) FROM group_member "
            "WHERE ends_on IS NULL GROUP BY group_id, user_id HAVING COUNT(*) > 1 "
            "ORDER BY group_id, user_id"
        )
    ).all()
    if doubled:
        listed = "; ".join(
            f"user {user} in group {group} ({count} open-ended)" for group, user, count in doubled
        )
        raise RuntimeError(
            "Some people have more than one open-ended term in the same group: "
            f"{listed}. End all but one on the group's page, then upgrade again."
        )


def upgrade():
    connection = op.get_bind()
    _refuse_doubled_participations(connection)
    _refuse_doubled_terms(connection)
    connection.execute(
        sa.text(
            "DELETE FROM budget_share WHERE id NOT IN ("
            "SELECT MIN(id) FROM budget_share GROUP BY budget_id, organisation_id)"
        )
    )
    connection.execute(
        sa.text(
            "UPDATE participation_request SET status = 'withdrawn' "
            f"WHERE {PENDING_JOIN} AND id NOT IN ("
            f"SELECT MIN(id) FROM participation_request WHERE {PENDING_JOIN} "
            "GROUP BY organisation_id, product_id)"
        )
    )
    connection.execute(
        sa.text(
            "UPDATE participation_request SET status = 'withdrawn' "
            f"WHERE {PENDING_LEAVE} AND id NOT IN ("
            f"SELECT MIN(id) FROM participation_request WHERE {PENDING_LEAVE} "
            "GROUP BY participation_id)"
        )
    )

    with op.batch_alter_table('budget_share', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            'uq_budget_share_budget_organisation', ['budget_id', 'organisation_id']
        )
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.create_index(
            'uq_participation_open',
            ['organisation_id', 'product_id'],
            unique=True,
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.create_index(
            'uq_group_member_open',
            ['group_id', 'user_id'],
            unique=True,
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )
    with op.batch_alter_table('participation_request', schema=None) as batch_op:
        batch_op.create_index(
            'uq_participation_request_pending_join',
            ['organisation_id', 'product_id'],
            unique=True,
            postgresql_where=sa.text(PENDING_JOIN),
            sqlite_where=sa.text(PENDING_JOIN),
        )
        batch_op.create_index(
            'uq_participation_request_pending_leave',
            ['participation_id'],
            unique=True,
            postgresql_where=sa.text(PENDING_LEAVE),
            sqlite_where=sa.text(PENDING_LEAVE),
        )


def downgrade():
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.drop_index('uq_group_member_open')
    with op.batch_alter_table('participation_request', schema=None) as batch_op:
        batch_op.drop_index('uq_participation_request_pending_leave')
        batch_op.drop_index('uq_participation_request_pending_join')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_index('uq_participation_open')
    with op.batch_alter_table('budget_share', schema=None) as batch_op:
        batch_op.drop_constraint('uq_budget_share_budget_organisation', type_='unique')
