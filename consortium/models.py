"""Every model, imported in one place so the metadata and migrations see all tables."""

from consortium.agreements.models import (
    AgreementAcceptance,
    AgreementDocument,
    AgreementEvent,
    AgreementNumberSequence,
    AgreementTemplate,
    AgreementTemplateVersion,
)
from consortium.api.models import ApiCallCount, ApiToken
from consortium.audit.models import AuditEntry
from consortium.auth.models import LoginAttempt, User, UserSession, UserToken
from consortium.backlog.models import (
    BacklogComment,
    BacklogItem,
    BacklogLink,
    Ballot,
    BallotEntry,
    PrioritisationRound,
    RoundItem,
    RoundResult,
    RoundWeight,
)
from consortium.fees.models import (
    BudgetShare,
    MembershipFeeSchedule,
    ProductBudget,
    ProductTariff,
)
from consortium.groups.models import Group, GroupMember
from consortium.invoicing.models import (
    Invoice,
    InvoiceLine,
    InvoiceNumberSequence,
    InvoiceRun,
    ProductSettlement,
    SettlementShare,
)
from consortium.jobs.models import Job
from consortium.mail.models import OutboxMessage
from consortium.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    DecisionSequence,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesText,
    Paper,
)
from consortium.members.models import (
    BillingIdentity,
    Membership,
    Organisation,
    OrganisationContact,
    PendingImport,
    PopulationFigure,
    TierBandSet,
)
from consortium.messages.models import BulkMessage, BulkMessageRecipient, BulkMessageText
from consortium.participation.models import Participation, ParticipationRequest
from consortium.products.models import (
    LevelDecision,
    MaturityRequirement,
    Product,
    ProductDescription,
    RequirementRating,
)
from consortium.settings.models import AssociationSettings, ComponentVat
from consortium.suppliers.models import Supplier, SupplierAgreement, SupplierContact

__all__ = [
    "ApiCallCount",
    "ApiToken",
    "BacklogComment",
    "BacklogItem",
    "BacklogLink",
    "Ballot",
    "BallotEntry",
    "PrioritisationRound",
    "RoundItem",
    "RoundResult",
    "RoundWeight",
    "AgreementAcceptance",
    "AgreementDocument",
    "AgreementEvent",
    "AgreementNumberSequence",
    "AgreementTemplate",
    "AgreementTemplateVersion",
    "BudgetShare",
    "MembershipFeeSchedule",
    "ProductBudget",
    "ProductTariff",
    "AssociationSettings",
    "ComponentVat",
    "Invoice",
    "InvoiceLine",
    "InvoiceNumberSequence",
    "InvoiceRun",
    "Job",
    "ProductSettlement",
    "SettlementShare",
    "Group",
    "GroupMember",
    "LevelDecision",
    "MaturityRequirement",
    "Participation",
    "ParticipationRequest",
    "Product",
    "ProductDescription",
    "RequirementRating",
    "Supplier",
    "SupplierAgreement",
    "SupplierContact",
    "ActionItem",
    "AgendaItem",
    "Attendance",
    "Decision",
    "DecisionSequence",
    "Meeting",
    "Minutes",
    "MinutesComment",
    "MinutesText",
    "Paper",
    "AuditEntry",
    "BillingIdentity",
    "BulkMessage",
    "BulkMessageRecipient",
    "BulkMessageText",
    "LoginAttempt",
    "Membership",
    "Organisation",
    "OrganisationContact",
    "OutboxMessage",
    "PendingImport",
    "PopulationFigure",
    "TierBandSet",
    "User",
    "UserSession",
    "UserToken",
]
