"""The citizens' case-status lookup (办理进度查询): entry number + query code → the steps.

Each ledger entry gets a random query code when it is registered (``LedgerEntry.query_code``;
the migration gave existing entries theirs); staff see it on the entry page and send it with
the number. The lookup answers the same way, in the same time class, whether the number does
not exist or the code is wrong: one row read by number, one constant-time comparison against
the row's code or a stand-in. Every miss is counted against the client address (the sign-in
slow-down's table, under a key of its own); past ``ALLOWANCE`` misses an hour the client waits.
Only steps and times are shown (received, assigned department, accepted, replied, closed) and
the kind: no title (a writer's name without context around it would pass the masking), notes,
people, drafts or internal states.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.accounts import key_wait, record_key_failure
from tracker.models import AuditEvent, LedgerEntry
from tracker.models.ledger import QUERY_CODE_LENGTH
from tracker.vocabulary import KIND_LABELS, Kind

ALLOWANCE = 10  # misses per client address before it must wait
DELAY_SECONDS = 30  # the first wait, doubling with each further miss
THROTTLE_KEY = "#办理进度查询"  # the client's counter in login_throttles (no user has this name)
MAX_NUMBER = 2**31 - 1  # the largest id PostgreSQL's INTEGER holds
_STAND_IN = "-" * QUERY_CODE_LENGTH  # compared against when there is no such entry (never a code)
_SEPARATORS = re.compile(r"[\s\-－—_·.]+")


class LookupThrottled(Exception):
    """Too many misses from this address: wait ``seconds`` before the next lookup."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@dataclass(frozen=True)
class StatusStep:
    """One step of handling, done (with its time) or not yet."""

    label: str
    done: bool
    at: datetime | None = None
    detail: str | None = None


@dataclass(frozen=True)
class PublicStatus:
    """What the public page shows for one entry."""

    number: int
    kind: str
    current: str
    steps: tuple[StatusStep, ...]


def normalize_code(raw: str | None) -> str:
    """The code as stored: no spaces or dashes (citizens type "1234 5678 9012")."""
    text = unicodedata.normalize("NFKC", (raw or "")[:64])  # full-width digits from an IME
    return _SEPARATORS.sub("", text).upper()


def format_code(code: str) -> str:
    """The code as shown and sent to the citizen: groups of four (1234-5678-9012)."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def parse_number(raw: str | None) -> int | None:
    """The entry number the citizen typed (digits, an optional 第/号/# around), or None."""
    digits = re.sub(r"[\s#第号]", "", unicodedata.normalize("NFKC", (raw or "")[:64]))
    if not digits.isascii() or not digits.isdigit() or len(digits) > 10:
        return None
    number = int(digits)
    return number if 0 < number <= MAX_NUMBER else None


def _code_matches(typed: str, entry: LedgerEntry | None) -> bool:
    expected = entry.query_code if entry is not None else _STAND_IN
    same = hmac.compare_digest(typed.encode(), expected.encode())
    return same and entry is not None


def lookup_status(
    session: Session, number: str | None, code: str | None, *, client: str, now: datetime,
) -> PublicStatus | None:
    """The public status of the entry, or None when number or code is wrong (never which).

    Raises :class:`LookupThrottled` when the client has missed too often; a miss is counted
    in the session (the request commits it).
    """
    wait = key_wait(session, client, THROTTLE_KEY, now, max_failures=ALLOWANCE,
                    delay_seconds=DELAY_SECONDS)
    if wait > 0:
        raise LookupThrottled(wait)
    # Read a row whatever was typed, so an unknown number costs what a wrong code costs.
    entry = session.get(LedgerEntry, parse_number(number) or 0)
    if not _code_matches(normalize_code(code), entry):
        record_key_failure(session, client, THROTTLE_KEY, now)
        return None
    return public_status(session, entry)


def _assigned_at(session: Session, entry: LedgerEntry) -> datetime | None:
    """When the entry was last assigned (交办) or given to another department."""
    return session.scalar(
        select(AuditEvent.at).where(AuditEvent.entity_type == "ledger_entry",
                                    AuditEvent.entity_id == str(entry.id),
                                    AuditEvent.action.in_(("assign", "reassign")))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1))


def public_status(session: Session, entry: LedgerEntry) -> PublicStatus:
    """The steps of one entry as the public may see them."""
    department = entry.lead_department.name if entry.lead_department else None
    steps = (
        StatusStep("已受理", True, entry.received_at),
        StatusStep("已交办", department is not None,
                   _assigned_at(session, entry) if department else None, department),
        StatusStep("承办单位已签收", entry.first_ack_at is not None, entry.first_ack_at),
        StatusStep("已答复", entry.replied_at is not None, entry.replied_at),
        StatusStep("已办结", entry.closed_at is not None, entry.closed_at),
    )
    current = [s.label for s in steps if s.done][-1]
    if entry.paused_since is not None and entry.replied_at is None:
        current += "（办理期限暂停中）"
    kind = KIND_LABELS.get(Kind(entry.kind), "") if entry.kind in set(Kind) else ""
    return PublicStatus(entry.id, kind, current, steps)


def query_code_of(entry: LedgerEntry) -> str:
    """The entry's query code as staff send it to the citizen."""
    return format_code(entry.query_code)

