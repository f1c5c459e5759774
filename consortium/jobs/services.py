"""Queueing, claiming and running background jobs.

A request queues a job (``enqueue``, which flushes; the request commits). A worker claims the
oldest queued job, or one whose worker stopped beating, with a conditional update that only
one worker can win (PostgreSQL first skips rows another worker has locked), and runs the
handler its kind registered. The handler reports progress (each report is a heartbeat,
committed at once, so it may only report before it writes anything), does its writes and
returns; the job is then marked done in the same transaction as those writes, and only if this
worker still holds it. A handler that raises :class:`JobFailed` leaves nothing written and the
job failed with the reason for the page; any other error fails it with the error logged.

The worker commits as it goes: it runs as a command or a thread, never inside a request.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import LazyString
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update

from consortium.db import utcnow
from consortium.extensions import db
from consortium.jobs.models import ACTIVE, DONE, FAILED, QUEUED, RUNNING, Job

Handler = Callable[[Job, "JobContext"], dict[str, Any] | None]
_HANDLERS: dict[str, Handler] = {}
_STARTERS: list[Callable[[], None]] = []

# How often (seconds) progress is written at most; the last report is always written.
BEAT_EVERY = 0.5


def register_handler(kind: str, handler: Handler) -> None:
    """What the worker runs for a kind of job; a domain registers it in its register(app)."""
    _HANDLERS[kind] = handler


def on_worker_start(starter: Callable[[], None]) -> None:
    """Something a worker does once when it starts (compile rules, start processes)."""
    if starter not in _STARTERS:
        _STARTERS.append(starter)


def start_worker() -> None:
    for starter in _STARTERS:
        starter()


class JobFailed(Exception):
    """The job cannot be done; ``outcome`` says why (see :func:`portable`)."""

    def __init__(self, outcome: dict[str, Any]) -> None:
        super().__init__(str(outcome))
        self.outcome = outcome


class JobLost(Exception):
    """Another worker took the job over (this one was thought dead): stop, write nothing."""


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def enqueue(
    kind: str,
    subject: str,
    arguments: dict[str, Any],
    *,
    total: int = 0,
    user_id: int | None = None,
) -> Job:
    """Queue a job (flushed, committed with the request). A second active job for the same
    subject is refused by the database (an IntegrityError, for ``once.unique``)."""
    job = Job(
        kind=kind,
        subject=subject,
        arguments=arguments,
        status=QUEUED,
        progress_total=total,
        created_by_user_id=user_id,
    )
    db.session.add(job)
    db.session.flush()
    return job


def active_job(subject: str) -> Job | None:
    """The subject's queued or running job, if any."""
    found: Job | None = db.session.scalars(
        select(Job).where(Job.subject == subject, Job.status.in_(ACTIVE)).order_by(Job.id.desc())
    ).first()
    return found


def latest_job(subject: str) -> Job | None:
    """The subject's newest job, whatever its status."""
    found: Job | None = db.session.scalars(
        select(Job).where(Job.subject == subject).order_by(Job.id.desc())
    ).first()
    return found


def _stale_before() -> Any:
    return utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])


def _claimable(stale_before: Any) -> Any:
    return or_(
        Job.status == QUEUED,
        and_(Job.status == RUNNING, Job.heartbeat_at < stale_before),
    )


def claim(worker_id: str) -> int | None:
    """Claim the oldest job that is queued, or running with a worker that stopped beating, and
    commit the claim; the job's id, or None when there is nothing to do."""
    stale_before = _stale_before()
    candidates = db.session.scalars(
        select(Job.id)
        .where(_claimable(stale_before))
        .order_by(Job.id)
        .limit(5)
        .with_for_update(skip_locked=True)
    ).all()
    for job_id in candidates:
        now = utcnow()
        result = db.session.execute(
            update(Job)
            .where(Job.id == job_id, _claimable(stale_before))
            .values(
                status=RUNNING,
                worker_id=worker_id,
                heartbeat_at=now,
                started_at=now,
                attempts=Job.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            db.session.commit()
            return job_id
    db.session.commit()
    return None


@dataclass
class JobContext:
    """What a handler is given: its job's id and a way to report progress."""

    job_id: int
    worker_id: str
    last_beat: float = field(default=0.0)

    def progress(self, done: int, total: int) -> None:
        """Write how far the job is and the worker's heartbeat, committed at once. Raises
        :class:`JobLost` when another worker has taken the job over."""
        now = time.monotonic()
        if done < total and now - self.last_beat < BEAT_EVERY:
            return
        self.last_beat = now
        result = db.session.execute(
            update(Job)
            .where(Job.id == self.job_id, Job.worker_id == self.worker_id, Job.status == RUNNING)
            .values(progress_done=done, progress_total=total, heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if result.rowcount != 1:
            raise JobLost(self.job_id)


def _finish(job_id: int, worker_id: str, status: str, **values: Any) -> bool:
    """Mark the job done or failed if this worker still holds it (not committed)."""
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.worker_id == worker_id, Job.status == RUNNING)
        .values(status=status, finished_at=utcnow(), heartbeat_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def run_job(job_id: int, worker_id: str) -> str:
    """Run a claimed job to its end and commit; the status it ended with (or "lost" when
    another worker took it over meanwhile, in which case nothing was written).

    Each job runs in an app context of its own, as a request does: nothing cached for an
    earlier job (the settings) is read by a later one."""
    with current_app.app_context():
        return _run_job(job_id, worker_id)


def _run_job(job_id: int, worker_id: str) -> str:
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None or job.worker_id != worker_id or job.status != RUNNING:
        return "lost"
    handler = _HANDLERS.get(job.kind)
    context = JobContext(job_id, worker_id)
    try:
        if handler is None:
            raise JobFailed({"text": f"no handler for jobs of kind {job.kind!r}"})
        outcome = handler(job, context)
        if not _finish(job_id, worker_id, DONE, outcome=outcome or {}):
            raise JobLost(job_id)
        db.session.commit()
        return DONE
    except JobLost:
        db.session.rollback()
        return "lost"
    except JobFailed as failure:
        db.session.rollback()
        _finish(job_id, worker_id, FAILED, outcome=failure.outcome)
        db.session.commit()
        return FAILED
    except Exception as error:
        db.session.rollback()
        current_app.logger.exception("Job %s (%s) failed", job_id, job.kind)
        _finish(job_id, worker_id, FAILED, message=f"{type(error).__name__}: {error}"[:2000])
        db.session.commit()
        return FAILED


def run_next(worker_id: str) -> bool:
    """Claim and run one job; False when there was none."""
    job_id = claim(worker_id)
    if job_id is None:
        return False
    run_job(job_id, worker_id)
    return True


def run_queued(worker_id: str | None = None) -> int:
    """Run jobs until none is left to claim (tests and `flask worker --once`); how many ran."""
    worker_id = worker_id or new_worker_id()
    count = 0
    while run_next(worker_id):
        count += 1
    return count


# --- Messages kept for later, to be read in the reader's language --------------------------


def portable(message: Any) -> Any:
    """A message as JSON: a lazily translated one as its msgid and values (each value made
    portable too), so that the page shows it in its reader's language; else its text."""
    if isinstance(message, LazyString) and message._args:
        return {
            "msgid": str(message._args[0]),
            "values": {key: portable(value) for key, value in message._kwargs.items()},
        }
    if isinstance(message, str | int | float):
        return message
    return str(message)


def readable(data: Any) -> str:
    """A portable message in the current locale."""
    if isinstance(data, dict) and "msgid" in data:
        values = {key: readable(value) for key, value in (data.get("values") or {}).items()}
        text: str = _(data["msgid"], **values)  # noqa: INT001 - a msgid extracted where written
        return text
    if isinstance(data, dict) and "text" in data:
        return str(data["text"])
    return str(data)
