"""Every model, imported in one place so the metadata and migrations see all tables."""

from consortium.audit.models import AuditEntry
from consortium.auth.models import LoginAttempt, User, UserToken
from consortium.mail.models import OutboxMessage
from consortium.settings.models import AssociationSettings

__all__ = [
    "AssociationSettings",
    "AuditEntry",
    "LoginAttempt",
    "OutboxMessage",
    "User",
    "UserToken",
]
