"""The response ledger: workflow as data, pure decisions, audited services.

Entry points other areas call:

- :func:`open_opinion_entry` (alert escalation, hand entry), :func:`open_disclosure_entry`
- :func:`sync_message_cases` (after crawls and imports; old messages are archived or go to
  历史遗留, new unanswered ones are routed, see :mod:`tracker.ledger.routing`:
  :func:`routing_queue`, :func:`assign_from_queue`), :func:`backfill_archive`,
  :func:`legacy_page`, :func:`decide_legacy`
- :func:`perform` (every workflow action, role- and department-checked, audited)
- :func:`red_flags`, :func:`allowed_actions`, :func:`can_view` (pure)
- the work inbox: :func:`department_cases`, :func:`awaiting_approval`,
  :func:`overdue_by_department`, :func:`unrouted_messages`, :func:`waiting_on_staff`,
  :func:`countdown` (pure)
- deadlines: :func:`tracker.deadlines.due_at`, :func:`tracker.deadlines.is_overdue`
- the citizens' status lookup: :func:`lookup_status` (number + query code, throttled),
  :func:`query_code_of` (the code staff send along)
"""

from tracker.ledger.archive import (
    DEFAULT_HORIZON_DAYS,
    HORIZON_KEY,
    ArchiveCounts,
    LegacyFilter,
    LegacyPage,
    legacy_count,
    legacy_ids,
    legacy_page,
)
from tracker.ledger.archive import backfill as backfill_archive
from tracker.ledger.archive import decide as decide_legacy
from tracker.ledger.decisions import (
    Actor,
    LedgerError,
    PermissionDenied,
    RedFlag,
    add_months,
    allowed_actions,
    can_view,
    find_promises,
    red_flags,
)
from tracker.ledger.escalation import remind_entry, send_reminders
from tracker.ledger.export import write_xlsx
from tracker.ledger.handlers import MESSAGE_CHANNELS, OPINION_CHANNELS
from tracker.ledger.inbox import (
    Countdown,
    Listing,
    awaiting_approval,
    countdown,
    department_cases,
    is_open,
    overdue_by_department,
    unrouted_messages,
    waiting_on_staff,
)
from tracker.ledger.query import OVERDUE_CHOICES, SORTS, LedgerFilter, list_page
from tracker.ledger.reminders import ReminderPolicy, is_quiet, is_urgent
from tracker.ledger.replies import (
    APPLICANT_TYPES,
    RECEIPT_CHANNELS,
    REMEDIES,
    WrittenReply,
    legal_basis_for,
)
from tracker.ledger.routing import (
    QueueItem,
    Suggestion,
    assign_from_queue,
    queue_count,
    reassignments,
    route_entries,
    route_pending,
    routed_text,
    routing_queue,
)
from tracker.ledger.service import (
    access,
    audit_trail,
    get_entry,
    open_disclosure_entry,
    open_opinion_entry,
    perform,
    propose_department,
)
from tracker.ledger.states import Action, action_label
from tracker.ledger.status import (
    LookupThrottled,
    PublicStatus,
    StatusStep,
    lookup_status,
    query_code_of,
)
from tracker.ledger.sync import sync_message_cases
from tracker.ledger.xlsx import excel_text

__all__ = [
    "APPLICANT_TYPES",
    "Action",
    "Actor",
    "ArchiveCounts",
    "Countdown",
    "DEFAULT_HORIZON_DAYS",
    "HORIZON_KEY",
    "LedgerError",
    "LedgerFilter",
    "LegacyFilter",
    "LegacyPage",
    "Listing",
    "LookupThrottled",
    "MESSAGE_CHANNELS",
    "OPINION_CHANNELS",
    "OVERDUE_CHOICES",
    "PermissionDenied",
    "PublicStatus",
    "QueueItem",
    "RECEIPT_CHANNELS",
    "REMEDIES",
    "RedFlag",
    "ReminderPolicy",
    "SORTS",
    "StatusStep",
    "Suggestion",
    "WrittenReply",
    "access",
    "action_label",
    "add_months",
    "allowed_actions",
    "assign_from_queue",
    "audit_trail",
    "awaiting_approval",
    "backfill_archive",
    "can_view",
    "countdown",
    "decide_legacy",
    "department_cases",
    "excel_text",
    "find_promises",
    "get_entry",
    "is_open",
    "is_quiet",
    "is_urgent",
    "legacy_count",
    "legacy_ids",
    "legacy_page",
    "legal_basis_for",
    "list_page",
    "lookup_status",
    "open_disclosure_entry",
    "open_opinion_entry",
    "overdue_by_department",
    "perform",
    "propose_department",
    "queue_count",
    "query_code_of",
    "reassignments",
    "routed_text",
    "red_flags",
    "remind_entry",
    "route_entries",
    "route_pending",
    "routing_queue",
    "send_reminders",
    "sync_message_cases",
    "unrouted_messages",
    "waiting_on_staff",
    "write_xlsx",
]
