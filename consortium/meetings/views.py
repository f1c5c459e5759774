"""The meeting pages: a group's meetings, planning, the agenda, papers, replies and attendance."""

from __future__ import annotations

from consortium.meetings import bp  # noqa: F401
