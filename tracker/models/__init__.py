"""All models, imported here so that ``Base.metadata`` knows every table."""

from tracker.models.accounts import Department, Role, User
from tracker.models.audit import AuditEvent
from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.collection import CrawlRun, Mention, MessageCase
from tracker.models.events import Alert, Event, MentionAnalysis  # noqa: F401
from tracker.models.ledger import HolidayOverride, LedgerEntry, SlaRuleRow  # noqa: F401
from tracker.models.metrics import METRICS_INDEX  # noqa: F401
from tracker.models.ops import JobRun, Notification, SourceHealth  # noqa: F401
from tracker.models.sources import Source, SourceKind
from tracker.models.watch import WatchRule  # noqa: F401

# The role words live in tracker.vocabulary; a few web modules still import them from here.
from tracker.vocabulary import ROLE_NAMES, RoleCode

__all__ = [
    "ROLE_NAMES",
    "AuditEvent",
    "Base",
    "CrawlRun",
    "Department",
    "Mention",
    "MessageCase",
    "Role",
    "RoleCode",
    "Source",
    "SourceKind",
    "UTCDateTime",
    "User",
    "utcnow",
]
