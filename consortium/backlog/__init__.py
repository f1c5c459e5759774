"""Product backlogs and prioritisation rounds."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Wire the backlog into the application: `flask backlog tally`."""
    from consortium.backlog.cli import backlog_cli

    app.cli.add_command(backlog_cli)
