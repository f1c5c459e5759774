"""The default maturity requirement list (OS2's assessment template): data only.

Revision ID: 0006_requirements
Revises: 0005_registry
Create Date: 2026-11-23 17:30:00

The rows are copied here, not imported from the app, so that this migration keeps doing what it
did when the app's list changes. consortium/products/requirements.py holds the same list for
products.services.ensure_default_requirements().
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_requirements'
down_revision = '0005_registry'
branch_labels = None
depends_on = None

# (code, level, theme, English text, data check, recommended)
REQUIREMENTS = (
    ('R1', 'sandbox', 'relevance', 'the product brings demonstrable local value to at least one member', None, False),
    ('F1', 'sandbox', 'formal', 'the code is developed in the open, in a repository of the association', 'repository_url', False),
    ('F2', 'sandbox', 'formal', 'an OSI-approved licence (MPL-2.0 by default)', 'osi_licence', False),
    ('F3', 'sandbox', 'formal', 'procurement law and general legality have been considered', None, False),
    ('F4', 'sandbox', 'formal', 'security has been considered', None, False),
    ('F5', 'sandbox', 'formal', 'purpose and value are described (a README)', None, False),
    ('F6', 'N1', 'formal', 'the code has been legally transferred to the association', None, False),
    ('F7', 'N1', 'formal', "documentation follows the association's template", None, False),
    ('F10', 'N1', 'formal', "the association's channels are used (website, news)", None, False),
    ('F11', 'N1', 'formal', 'issues are tracked in public', 'issue_tracker', False),
    ('S1', 'N1', 'strategic', "the product is linked to the association's strategy", None, False),
    ('S2', 'N1', 'strategic', 'the product supports innovation and open source', None, False),
    ('G1', 'N1', 'governance', "the product is in the association's portfolio management", None, False),
    ('G2', 'N1', 'governance', 'there is ongoing contact with the secretariat', None, False),
    ('G3', 'N1', 'governance', 'a project lead or point person is named', 'point_person', False),
    ('G4', 'N1', 'governance', 'the board has been informed', None, False),
    ('R2', 'N2', 'relevance', 'line management at the participating members accepts the product', None, False),
    ('R3', 'N2', 'relevance', 'the product has potential across public bodies', 'two_organisations', False),
    ('F12', 'N2', 'formal', 'there is a single core codebase', None, False),
    ('F13', 'N2', 'formal', 'presentation material exists', None, False),
    ('F14', 'N2', 'formal', 'strategic communication is in place', None, False),
    ('F15', 'N2', 'formal', 'implementation best practice is described', None, False),
    ('F16', 'N2', 'formal', 'coding standards are followed', None, False),
    ('F17', 'N2', 'formal', 'operations and maintenance are set up', None, False),
    ('F18', 'N2', 'formal', 'the reference architecture is followed', None, False),
    ('F19', 'N2', 'formal', 'the product can run in containers', None, False),
    ('F20', 'N2', 'formal', 'training material exists', None, False),
    ('S3', 'N2', 'strategic', "the link to the association's mission is described", None, False),
    ('S4', 'N2', 'strategic', 'a product vision and strategy exist', None, False),
    ('G5', 'N2', 'governance', 'the board has approved the product', 'board_decision', False),
    ('G6', 'N2', 'governance', 'a steering committee exists', 'steering_committee', False),
    ('G7', 'N2', 'governance', 'a coordination group exists', 'coordination_group', False),
    ('G8', 'N2', 'governance', 'a project model is used', None, True),
    ('G9', 'N2', 'governance', 'third-party code review has been done', None, True),
    ('G10', 'N2', 'governance', 'a participation agreement is in use', 'participation_agreements', True),
    ('R4', 'N3', 'relevance', 'the product is linked to national strategies', None, False),
    ('F21', 'N3', 'formal', 'political communication is in place', None, False),
    ('F22', 'N3', 'formal', 'there is a process plan for operations', None, False),
    ('S5', 'N3', 'strategic', "the product is aligned with the association's vision", None, False),
    ('G11', 'N3', 'governance', 'the board has approved the steering committee', None, False),
    ('G12', 'N3', 'governance', 'a board member sits on the steering committee', 'board_member_in_steering_committee', False),
    ('G13', 'N3', 'governance', 'the agreement funds coordination and development', 'budget_lines', False),
    ('G14', 'N3', 'governance', 'there is a professional community (user club, forum)', None, False),
)

requirement = sa.table(
    'maturity_requirement',
    sa.column('id', sa.Integer),
    sa.column('code', sa.String),
    sa.column('level', sa.String),
    sa.column('theme', sa.String),
    sa.column('text', sa.Text),
    sa.column('translations', sa.JSON),
    sa.column('data_check', sa.String),
    sa.column('recommended', sa.Boolean),
    sa.column('active', sa.Boolean),
    sa.column('position', sa.Integer),
)


def upgrade():
    connection = op.get_bind()
    existing = set(connection.execute(sa.select(requirement.c.code)).scalars())
    rows = [
        dict(code=code, level=level, theme=theme, text=text, translations={},
             data_check=check, recommended=recommended, active=True, position=position)
        for position, (code, level, theme, text, check, recommended) in enumerate(REQUIREMENTS)
        if code not in existing
    ]
    if rows:
        op.bulk_insert(requirement, rows)


def downgrade():
    # Remove the default rows that no product has rated; rated ones stay with their ratings.
    connection = op.get_bind()
    rated = sa.text('SELECT DISTINCT requirement_id FROM requirement_rating')
    rated_ids = set(connection.execute(rated).scalars())
    codes = [row[0] for row in REQUIREMENTS]
    query = sa.select(requirement.c.id).where(requirement.c.code.in_(codes))
    removable = [id_ for id_ in connection.execute(query).scalars() if id_ not in rated_ids]
    if removable:
        connection.execute(requirement.delete().where(requirement.c.id.in_(removable)))
