"""``yuqing model retrain``: a candidate trained on the shipped data plus the office's
corrections, compared with the model in use on the same held-out folds, promoted only when it
is not worse on the shipped folds and better on the office's.

Folds. Shipped: the fixed held-out folds of the shipped sets (analysis.datasets; sentiment: the
four labelled sets pooled, routing: the segmented 附件2 held-out rows). Office: one correction in
five by the same text hash; neither model ever trains on it. "Not worse" on the shipped fold is
a paired test on the same rows (McNemar's sign test): the candidate is worse when the rows it
gets wrong and the current model right outnumber the reverse by more than ``SHIPPED_Z``
standard deviations (retraining moves some rows either way; a fixed margin would be a few rows
on a small fold and hundreds on the full one). "Better" on the office fold is strict, so with
no office fold nothing is promoted. Every candidate is kept as a version, promoted or not,
with both models' figures; a refused one can still be put in use by hand (``yuqing model use``).
"""

from __future__ import annotations

import functools
import logging
import math
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from analysis.datasets import SHARED_DATA_DIR, Labelled
from tracker.learning import corrections
from tracker.learning.versions import (
    ARTEFACTS,
    SHIPPED,
    active_path,
    active_version,
    check_kind,
    next_version,
    use,
    version_dir,
)
from tracker.models import ModelVersion

log = logging.getLogger(__name__)
#: Standard deviations of the paired difference on the shipped fold that make a candidate worse.
SHIPPED_Z = 2.0


@dataclass(frozen=True)
class Shipped:
    """The shipped training rows and held-out rows of a kind (optionally a strided sample)."""

    train: list[Labelled]
    held_out: list[Labelled]

    @classmethod
    def load(cls, kind: str, data_dir: Path = SHARED_DATA_DIR,
             sample: int | None = None) -> Shipped:
        """The shipped folds; with `sample`, every k-th row up to `sample` training rows and a
        quarter as many held-out rows (tests: a small, fixed, mixed subset)."""
        train, held = _shipped_rows(kind, Path(data_dir), sample)
        return cls(list(train), list(held))


@functools.lru_cache(maxsize=4)  # the files do not change while a process runs
def _shipped_rows(kind: str, data_dir: Path, sample: int | None
                  ) -> tuple[tuple[Labelled, ...], tuple[Labelled, ...]]:
    from analysis import datasets

    if kind == "sentiment":
        train, held = datasets.split(datasets.load_sentiment(data_dir=data_dir))
    else:
        train, held, _ = datasets.routing_split(data_dir)
    if sample is not None:
        train, held = _stride(train, sample), _stride(held, max(sample // 4, 1))
    return tuple(train), tuple(held)


def _stride(rows: list[Labelled], n: int) -> list[Labelled]:
    step = max(len(rows) // n, 1)
    return rows[::step][:n]


@dataclass
class Figures:
    """Held-out accuracy of one model on the shipped fold and on the office fold."""

    shipped: float | None
    office: float | None
    shipped_rows: int
    office_rows: int
    extra: dict[str, Any] = field(default_factory=dict)
    #: Per shipped held-out row, whether the model is right (for the paired test; not printed).
    right: tuple[bool, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """Rounded figures and row counts (JSON)."""
        out = {"shipped": _round(self.shipped), "office": _round(self.office),
               "shipped_rows": self.shipped_rows, "office_rows": self.office_rows}
        return out | self.extra


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass
class RetrainResult:
    """What ``yuqing model retrain`` prints."""

    kind: str
    candidate: Figures
    current: Figures
    promoted: bool
    version: int
    reason: str

    def as_json(self) -> dict[str, Any]:
        """The JSON object: kind, both models' figures, promoted, version, reason."""
        return {"kind": self.kind, "candidate": self.candidate.as_json(),
                "current": self.current.as_json(), "promoted": self.promoted,
                "version": self.version, "reason": self.reason}


class _Kind:
    """Training and scoring of one kind, behind one interface."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def office(self, session: Session) -> corrections.OfficeRows:
        if self.kind == "sentiment":
            return corrections.sentiment_rows(session)
        return corrections.routing_rows(session)

    def train(self, shipped: Sequence[Labelled], office: Sequence[Labelled], out_dir: Path):
        if self.kind == "sentiment":
            from analysis import sentiment_train

            return sentiment_train.train([*shipped, *office], out_dir)
        from analysis import routing, routing_train

        tokens = [routing_train.segmented_tokens(r.text) for r in shipped]
        tokens += [routing.raw_tokens(r.text) for r in office]
        weights = [1.0] * len(shipped) + [routing_train.OFFICE_WEIGHT] * len(office)
        return routing_train.train(tokens, [r.label for r in (*shipped, *office)], out_dir,
                                   weights)

    def load(self, path: Path | None):
        if self.kind == "sentiment":
            from analysis import sentiment

            return sentiment.load_model(path or sentiment.MODEL_PATH)
        from analysis import routing

        return routing.load_model(path or routing.MODEL_PATH)

    def correct(self, model, rows: Sequence[Labelled], raw: bool) -> list[bool]:
        if self.kind == "sentiment":
            from analysis import sentiment_train

            return sentiment_train.correct(model, rows)
        from analysis import routing, routing_train

        tokenize = routing.raw_tokens if raw else routing_train.segmented_tokens
        return routing_train.correct(model, [tokenize(r.text) for r in rows],
                                     [r.label for r in rows])

    def figures(self, model, shipped: Shipped, office: corrections.OfficeRows) -> Figures:
        right = self.correct(model, shipped.held_out, raw=False)
        office_right = self.correct(model, office.held_out, raw=True)
        return Figures(_share(right), _share(office_right), len(right), len(office_right),
                       right=tuple(right))


def _share(right: Sequence[bool]) -> float | None:
    return sum(right) / len(right) if right else None


def shipped_worse(candidate: Figures, current: Figures, z: float = SHIPPED_Z
                  ) -> tuple[bool, str]:
    """Whether the candidate is worse on the shipped fold, and the counts in words. Paired on
    the same rows when both figures carry them, else a plain comparison of the shares."""
    if candidate.right and len(candidate.right) == len(current.right):
        lost = sum(c and not n for n, c in zip(candidate.right, current.right, strict=True))
        won = sum(n and not c for n, c in zip(candidate.right, current.right, strict=True))
        return (lost - won > z * math.sqrt(lost + won),
                f"同一批样本中候选模型错而在用模型对的 {lost} 条，反之 {won} 条")
    worse = candidate.shipped is not None and current.shipped is not None \
        and candidate.shipped < current.shipped
    return worse, "未逐条比较"


def decide(candidate: Figures, current: Figures, z: float = SHIPPED_Z) -> tuple[bool, str]:
    """Promote only when not worse on the shipped fold and better on the office fold."""
    if candidate.office is None or current.office is None:
        return False, "未晋升：本单位的纠正中还没有留出检验的样本（纠正太少）"
    worse, pairs = shipped_worse(candidate, current, z)
    if worse:
        return False, (f"未晋升：在通用检验集上更差（{_fmt(candidate.shipped)} < "
                       f"{_fmt(current.shipped)}；{pairs}）")
    if candidate.office <= current.office:
        return False, (f"未晋升：在本单位检验集上没有更好（{candidate.office:.4f} ≤ "
                       f"{current.office:.4f}）")
    return True, (f"已晋升：本单位检验集 {current.office:.4f} → {candidate.office:.4f}，"
                  f"通用检验集 {_fmt(current.shipped)} → {_fmt(candidate.shipped)}（{pairs}）")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def retrain(session: Session, kind: str, data_dir: Path, *, by: str = "cli",
            shipped: Shipped | None = None, sample: int | None = None) -> RetrainResult:
    """Train a candidate, compare it with the model in use, keep it as a version and put it in
    use when it passes (see the module's docstring). `shipped` (or `sample`) replaces the full
    shipped folds (tests)."""
    check_kind(kind)
    impl = _Kind(kind)
    shipped = shipped or Shipped.load(kind, sample=sample)
    office = impl.office(session)
    current_path = active_path(session, kind)  # None: shipped (or the version's file is gone)
    current_row = active_version(session, kind) if current_path is not None else None
    current = impl.figures(impl.load(current_path), shipped, office)
    current.extra["version"] = current_row.version if current_row is not None else SHIPPED
    version = next_version(session, kind)
    out_dir = version_dir(data_dir, kind, version)
    if out_dir.exists():  # left by a run whose transaction did not commit
        shutil.rmtree(out_dir)
    model = impl.train(shipped.train, office.train, out_dir)
    candidate = impl.figures(model, shipped, office)
    candidate.extra["version"] = version
    promoted, reason = decide(candidate, current)
    row = ModelVersion(kind=kind, version=version, path=str(out_dir / ARTEFACTS[kind]),
                       trained_on={"shipped": len(shipped.train), "office": len(office.train),
                                   "office_held_out": len(office.held_out)},
                       figures={"candidate": candidate.as_json(), "current": current.as_json()},
                       promoted=promoted, reason=reason, active=False)
    session.add(row)
    session.flush()
    if promoted:
        use(session, kind, version, by=by)
    log.info("model retrain %s: v%d %s", kind, version, reason)
    return RetrainResult(kind, candidate, current, promoted, version, reason)
