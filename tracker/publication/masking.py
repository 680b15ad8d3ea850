"""Masking for publication, with what the record knows: the writer's name from the message
(masked everywhere, greetings included), on top of everything analysis.privacy finds."""

from __future__ import annotations

import re

from analysis import privacy


def usable_author(name: str | None) -> str | None:
    """The writer's name when it can be one (not empty, not a board's placeholder like 网友)."""
    name = (name or "").strip()
    if not name or name in ("网友", "匿名", "匿名用户", "游客") or len(name) > 40:
        return None
    return name if re.search(r"[\u4e00-\u9fffA-Za-z]", name) else None


def mask_text(text: str, author: str | None = None) -> str:
    """``text`` ready for the public: the writer's name and every other personal datum masked."""
    return privacy.mask(text, author=usable_author(author))


def needs_masking(text: str, author: str | None = None) -> bool:
    """Whether masking would still change ``text`` (something personal is left in it)."""
    return mask_text(text, author) != text
