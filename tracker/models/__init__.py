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

__all__ = [
    "AuditEvent",
    "Base",
    "CrawlRun",
    "Department",
    "Mention",
    "MessageCase",
    "Role",
    "Source",
    "SourceKind",
    "UTCDateTime",
    "User",
    "utcnow",
]
