"""The meetings' upgrade rebuilds the group table on SQLite (to add the group's unique code):
every group and every member's term is there afterwards, and the upgrade can be undone."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from consortium.extensions import db
from tests.conftest import MIGRATIONS, make_app, new_database

BEFORE = "0018_agreements"


def test_groups_and_their_members_survive_the_upgrade_and_back(tmp_path_factory):
    app = make_app(new_database(tmp_path_factory, "consortium_meetings_upgrade"))
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE)
        connection = db.session.connection()
        connection.execute(
            text(
                'INSERT INTO "user" (id, email, name, password_hash, is_secretariat, active, '
                "created_at, session_version) VALUES (1, 'a@example.org', 'Anna', '', false, "
                "true, '2026-01-01', 1)"
            )
        )
        connection.execute(
            text(
                'INSERT INTO "group" (id, kind, name, terms_of_reference, created_at) '
                "VALUES (1, 'board', 'The board', '', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO group_member (id, group_id, user_id, role, starts_on) "
                "VALUES (1, 1, 1, 'chair', '2026-01-01')"
            )
        )
        db.session.commit()

        upgrade(directory=MIGRATIONS)
        rows = db.session.execute(
            text(
                'SELECT g.name, g.code, m.role FROM "group" g JOIN group_member m ON m.group_id = g.id'
            )
        ).all()
        assert [tuple(row) for row in rows] == [("The board", None, "chair")]
        db.session.commit()

        downgrade(directory=MIGRATIONS, revision=BEFORE)
        assert db.session.execute(text("SELECT count(*) FROM group_member")).scalar() == 1
        db.session.commit()
        upgrade(directory=MIGRATIONS)
        db.session.remove()
        db.engine.dispose()
