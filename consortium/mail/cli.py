"""`flask mail send`: the worker that sends the outbox's queued messages."""

from __future__ import annotations

import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from consortium.extensions import db

mail_cli = AppGroup("mail", help="Send the queued outgoing mail.")


def run_once() -> int:
    """One round: send what is due; on an error (the database away) roll back and go on."""
    from consortium.mail.services import send_due

    try:
        return send_due()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("The mail worker could not finish a round")
        return 0
    finally:
        db.session.remove()


def loop(interval: float, stop: threading.Event | None = None) -> None:
    """Send due mail until stopped, pausing ``interval`` seconds whenever nothing was due."""
    stop = stop or threading.Event()
    while not stop.is_set():
        if run_once() == 0:
            stop.wait(interval)


@mail_cli.command("send")
@click.option("--loop", "keep_going", is_flag=True, help="Keep running and send mail as it comes.")
@click.option(
    "--interval",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between looks at the outbox when nothing is due (with --loop).",
)
def send(keep_going: bool, interval: float) -> None:
    """Send the queued messages that are due, with retries; --loop keeps running."""
    from consortium.mail.services import send_due

    if current_app.config["MAIL_OUTBOX"]:
        raise click.ClickException(
            "no mail server is configured (MAIL_SERVER): messages stay in the outbox unsent"
        )
    if keep_going:
        click.echo(
            f"Sending queued mail through {current_app.config['MAIL_SERVER']}; stop with Ctrl-C."
        )
        try:
            loop(interval)
        except KeyboardInterrupt:
            pass
        return
    sent = send_due()
    click.echo(f"{sent} message(s) sent.")


def start_thread(app: Flask, interval: float = 5.0) -> threading.Thread:
    """Send mail from a thread of the development server, instead of a separate worker."""

    def work() -> None:
        with app.app_context():
            loop(interval)

    thread = threading.Thread(target=work, name="mail-sender", daemon=True)
    thread.start()
    return thread
