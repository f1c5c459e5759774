"""A background job: what to do (its kind and arguments), how far it is, and who runs it.

A job is claimed by one worker with a conditional update, so it runs once however many workers
run. The worker writes a heartbeat while it works; a job whose worker stopped beating for
JOB_STALE_SECONDS is taken over by another worker (its work is one transaction at the end, so
a worker that died left nothing half-done).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from consortium.db import UTCDateTime, utcnow
from consortium.extensions import db

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
ACTIVE = (QUEUED, RUNNING)
# One job at a time for a subject (e.g. one issue of a run): the database refuses a second.
ACTIVE_JOB = text("status IN ('queued', 'running')")


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_status_id", "status", "id"),
        Index(
            "uq_job_active_subject",
            "subject",
            unique=True,
            sqlite_where=ACTIVE_JOB,
            postgresql_where=ACTIVE_JOB,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    # What the job is about, e.g. "invoice_run:12": the pages find its job by it.
    subject: Mapped[str] = mapped_column(String(100), index=True)
    arguments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED, server_default=QUEUED)
    progress_done: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What came of it, for the page to say in its reader's language (see jobs.services).
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # An unexpected error, for the log and the secretariat (never shown to members).
    message: Mapped[str] = mapped_column(Text, default="", server_default="")
    worker_id: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.subject} {self.status}>"
