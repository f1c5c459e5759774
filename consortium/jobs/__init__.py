"""Background jobs: work too long for a request (issuing a year's invoices), run by the
worker (`flask worker`), which also sends the outbox's mail."""

from flask import Flask


def register(app: Flask) -> None:
    """`flask worker`; the domains above register their kinds of job in their own register."""
    from consortium.jobs import cli

    app.cli.add_command(cli.worker_command)
