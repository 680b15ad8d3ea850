"""The related policies of a typical Q&A, kept as a snapshot on the item (what was published
stays as it was even if the policy record changes later), and their one-line text form for the
edit page: ``标题 | 文号 | 链接`` per line."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from tracker.models import LedgerEntry
from tracker.qa import reply_policies

FIELDS = ("title", "number", "url")
MAX_POLICIES = 10


def _bundle_of(session: Session, response_id: int) -> list[Any]:
    """The policy bundle sent with a reply (打包推送, chosen while replying)."""
    return reply_policies(session, response_id)


def _as_dict(policy: Any) -> dict[str, str]:
    get = policy.get if isinstance(policy, dict) else lambda k: getattr(policy, k, None)
    return {k: str(get(k) or "").strip() for k in FIELDS}


def for_entry(session: Session, entry: LedgerEntry) -> list[dict[str, str]]:
    """The policies sent with the entry's last reply, as snapshots."""
    found: list[dict[str, str]] = []
    for response in reversed(entry.responses):
        found = [_as_dict(p) for p in _bundle_of(session, response.id)]
        if found:
            break
    return [p for p in found if p["title"]][:MAX_POLICIES]


def safe_link(url: str) -> str:
    """Only http(s) links are kept (nothing like javascript: reaches the public page)."""
    return url if urlsplit(url).scheme in ("http", "https") and len(url) <= 1024 else ""


def parse(text: str) -> list[dict[str, str]]:
    """Policies from the edit form: one per line, ``标题 | 文号 | 链接`` (文号, 链接 optional)."""
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if not parts[0]:
            continue
        parts += [""] * (3 - len(parts))
        out.append({"title": parts[0][:200], "number": parts[1][:100],
                    "url": safe_link(parts[2])})
    return out[:MAX_POLICIES]


def render(policies: list[dict[str, str]]) -> str:
    """The one-line-per-policy text the edit form shows."""
    return "\n".join(" | ".join(p.get(k, "") for k in FIELDS).rstrip(" |") for p in policies)
