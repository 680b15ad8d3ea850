"""All models, imported here so that ``Base.metadata`` knows every table."""

from tracker.models.accounts import Department, Role, User
from tracker.models.assessment import RemedyCount

# The audit trail under a name that says what it records, for callers outside tracker.
from tracker.models.audit import AuditEvent
from tracker.models.audit import record as record_audit
from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.cases import CaseProposal, CaseTag, LibraryCase
from tracker.models.collection import CrawlRun, Mention, MessageCase
from tracker.models.events import Alert, Event, MentionAnalysis  # noqa: F401
from tracker.models.learning import ModelSwitch, ModelVersion
from tracker.models.ledger import HolidayOverride, LedgerEntry, LedgerResponse, SlaRuleRow  # noqa: F401
from tracker.models.metrics import METRICS_INDEX  # noqa: F401
from tracker.models.ops import (  # noqa: F401
    Delivery,
    EscalationContact,
    JobCommand,
    JobRun,
    Notification,
    NotificationPreference,
    NotificationRule,
    SourceHealth,
    WebhookEndpoint,
)
from tracker.models.publication import TypicalQA
from tracker.models.qa import Policy
from tracker.models.qa_base import QaEntry, QaPolicy, QaVariant, ReplyPolicy
from tracker.models.routing import (
    CategoryDepartment,
    DepartmentReassignment,
    LedgerRouting,
    RoutingConfig,
)
from tracker.models.sources import Source, SourceKind, SourceWatch
from tracker.models.tokens import ApiRateWindow, ApiToken
from tracker.models.watch import WatchRule  # noqa: F401

__all__ = [
    "ApiRateWindow",
    "ApiToken",
    "AuditEvent",
    "Base",
    "CaseProposal",
    "CaseTag",
    "CategoryDepartment",
    "CrawlRun",
    "Delivery",
    "Department",
    "DepartmentReassignment",
    "EscalationContact",
    "JobCommand",
    "LedgerResponse",
    "LedgerRouting",
    "LibraryCase",
    "Mention",
    "MessageCase",
    "ModelSwitch",
    "ModelVersion",
    "NotificationPreference",
    "NotificationRule",
    "RemedyCount",
    "Policy",
    "QaEntry",
    "QaPolicy",
    "QaVariant",
    "ReplyPolicy",
    "Role",
    "RoutingConfig",
    "Source",
    "SourceKind",
    "SourceWatch",
    "TypicalQA",
    "UTCDateTime",
    "User",
    "WebhookEndpoint",
    "record_audit",
    "utcnow",
]
