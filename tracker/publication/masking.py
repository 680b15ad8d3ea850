"""Masking for publication, with what the record knows: the writer's name from the message.

analysis.privacy.mask learns the ``author`` keyword in engineer C's change (h-mask); until that
lands here the writer's full name is replaced by 姓 + 某某 before the generic masking runs, so a
reply that greets the writer ("王守义您好") never goes out with the name.
"""

from __future__ import annotations

import inspect
import re

from analysis import privacy

_TAKES_AUTHOR = "author" in inspect.signature(privacy.mask).parameters
_SURNAME_2 = re.compile(r"^(欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯)")


def usable_author(name: str | None) -> str | None:
    """The writer's name when it looks like a person's (2-4 Chinese characters), else None."""
    name = (name or "").strip()
    return name if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name) else None


def _pseudonym(name: str) -> str:
    match = _SURNAME_2.match(name)
    return (match.group(1) if match else name[0]) + "某某"


def mask_text(text: str, author: str | None = None) -> str:
    """``text`` ready for the public: the writer's name and every other personal datum masked."""
    author = usable_author(author)
    if _TAKES_AUTHOR:
        return privacy.mask(text, author=author)
    text = privacy.mask(text)  # first, so that a pseudonym is not masked a second time
    return text.replace(author, _pseudonym(author)) if author else text


def needs_masking(text: str, author: str | None = None) -> bool:
    """Whether masking would still change ``text`` (something personal is left in it)."""
    return mask_text(text, author) != text
