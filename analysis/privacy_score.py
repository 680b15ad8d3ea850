"""Scoring masking against hand-marked spans: recall and precision per kind, look-alikes kept.

Used by the masking test set's test and by ``bench/masking.py``. A marked span counts as
masked when one found span covers it entirely (whatever kind the finder gave it); a found span
is right when it overlaps a marked span or a marked person name that stands without context
(``bare``: masking it is no error); a kept look-alike is lost when any found span overlaps it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from analysis.privacy import find_pii
from analysis.types import PiiSpan


@dataclass
class Score:
    """Counts over a set of records."""

    marked: Counter[str] = field(default_factory=Counter)
    masked: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    keep_total: int = 0
    keep_kept: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)
    lost: list[tuple[str, str]] = field(default_factory=list)

    def recall(self, kind: str) -> float:
        """Share of marked spans of this kind that were masked."""
        return self.masked[kind] / self.marked[kind] if self.marked[kind] else 1.0

    def precision(self, kind: str) -> float:
        """Share of found spans of this kind that were personal data."""
        return self.right[kind] / self.found[kind] if self.found[kind] else 1.0

    @property
    def keep_rate(self) -> float:
        """Share of look-alikes left as they were."""
        return self.keep_kept / self.keep_total if self.keep_total else 1.0


def _overlaps(a_start: int, a_end: int, spans: Iterable[dict | PiiSpan]) -> bool:
    for s in spans:
        start, end = (s["start"], s["end"]) if isinstance(s, dict) else (s.start, s.end)
        if a_start < end and start < a_end:
            return True
    return False


def score_record(record: dict, score: Score) -> None:
    """Add one record's counts (its text, author, nicknames and marks) to the score."""
    found = find_pii(record["text"], author=record.get("author"),
                     nicknames=record.get("nicknames") or ())
    for mark in record["spans"]:
        score.marked[mark["kind"]] += 1
        if any(f.start <= mark["start"] and mark["end"] <= f.end for f in found):
            score.masked[mark["kind"]] += 1
        else:
            score.misses.append((record["id"], mark["kind"], mark["text"]))
    for span in found:
        score.found[span.kind] += 1
        if _overlaps(span.start, span.end, record["spans"] + record["bare"]):
            score.right[span.kind] += 1
        else:
            score.wrong.append((record["id"], span.kind, span.text))
    for keep in record["keep"]:
        score.keep_total += 1
        if _overlaps(keep["start"], keep["end"], found):
            score.lost.append((record["id"], keep["text"]))
        else:
            score.keep_kept += 1


def score_records(records: Iterable[dict]) -> Score:
    """The score of masking over all records."""
    score = Score()
    for record in records:
        score_record(record, score)
    return score
