"""`flask worker`: runs the queued background jobs and sends the outbox's mail.

It grows out of the mail worker (`flask mail send --loop`, which stays): each round it runs the
jobs it can claim, then sends the mail that is due, and pauses when there was nothing to do.
Several workers may run at once, on one machine or several.
"""

from __future__ import annotations

import signal
import threading

import click
from flask import Flask, current_app

from consortium.extensions import db


def work_round(worker_id: str) -> int:
    """One round: every job that can be claimed, then the due mail; how much was done. An
    error (the database away) is logged and the round ends."""
    from consortium.jobs.services import run_next
    from consortium.mail.services import send_due

    done = 0
    try:
        while run_next(worker_id):
            done += 1
        done += send_due()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("The worker could not finish a round")
    finally:
        db.session.remove()
    return done


def loop(worker_id: str, interval: float, stop: threading.Event | None = None) -> None:
    """Work until stopped, pausing ``interval`` seconds whenever nothing was to be done."""
    stop = stop or threading.Event()
    while not stop.is_set():
        if work_round(worker_id) == 0:
            stop.wait(interval)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run what is queued now, then stop.")
@click.option(
    "--interval",
    default=2.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between looks for work when there is none.",
)
def worker_command(once: bool, interval: float) -> None:
    """Run the queued background jobs (issuing a year's invoices) and send the queued mail."""
    from consortium.jobs.services import new_worker_id, start_worker

    worker_id = new_worker_id()
    stop = threading.Event()
    if not once:
        # A service manager (or `make serve`) stops the worker with SIGTERM: it finishes the
        # round in hand and leaves, its processes shut down, instead of dying half-way through.
        signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    start_worker()
    if once:
        click.echo(f"{work_round(worker_id)} job(s) and message(s) done.")
        return
    mail = current_app.config["MAIL_SERVER"] or "no mail server: mail stays in the outbox"
    click.echo(f"Worker {worker_id} running jobs and sending mail ({mail}); stop with Ctrl-C.")
    try:
        loop(worker_id, interval, stop)
    except KeyboardInterrupt:
        pass
    click.echo(f"Worker {worker_id} stopped.")


def start_thread(app: Flask, interval: float = 2.0) -> threading.Thread:
    """Run the worker in a thread of the development server (`make run`) instead of a
    process of its own."""
    from consortium.jobs.services import new_worker_id

    def work() -> None:
        with app.app_context():
            loop(new_worker_id(), interval)

    thread = threading.Thread(target=work, name="worker", daemon=True)
    thread.start()
    return thread
