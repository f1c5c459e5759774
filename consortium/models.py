"""Every model, imported in one place so the metadata and migrations see all tables."""

from consortium.audit.models import AuditEntry
from consortium.auth.models import LoginAttempt, User, UserToken
from consortium.mail.models import OutboxMessage
from consortium.members.models import (
    BillingIdentity,
    Membership,
    Organisation,
    OrganisationContact,
    PendingImport,
    PopulationFigure,
    TierBandSet,
)
from consortium.settings.models import AssociationSettings

__all__ = [
    "AssociationSettings",
    "AuditEntry",
    "BillingIdentity",
    "LoginAttempt",
    "Membership",
    "Organisation",
    "OrganisationContact",
    "OutboxMessage",
    "PendingImport",
    "PopulationFigure",
    "TierBandSet",
    "User",
    "UserToken",
]
