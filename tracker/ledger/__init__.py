"""The response ledger: workflow as data, pure decisions, audited services.

Entry points other areas call:

- :func:`open_opinion_entry` (alert escalation, hand entry), :func:`open_disclosure_entry`
- :func:`sync_message_cases` (after crawls and imports)
- :func:`perform` (every workflow action, role- and department-checked, audited)
- :func:`red_flags`, :func:`allowed_actions`, :func:`can_view` (pure)
- deadlines: :func:`tracker.deadlines.due_at`, :func:`tracker.deadlines.is_overdue`
"""

from tracker.ledger.decisions import (
    Actor,
    LedgerError,
    PermissionDenied,
    RedFlag,
    allowed_actions,
    can_view,
    find_promises,
    red_flags,
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
from tracker.ledger.states import Action
from tracker.ledger.sync import sync_message_cases

__all__ = [
    "Action", "Actor", "LedgerError", "PermissionDenied", "RedFlag", "access", "allowed_actions",
    "audit_trail", "can_view", "find_promises", "get_entry", "open_disclosure_entry",
    "open_opinion_entry", "perform", "propose_department", "red_flags", "sync_message_cases",
]
