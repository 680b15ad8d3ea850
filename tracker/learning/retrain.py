"""``yuqing model retrain``: a candidate trained on the shipped data plus the office's
corrections, compared with the model in use on the same held-out folds, promoted only when it
is not worse on the shipped folds and better on the office's.

Folds. Shipped: the fixed held-out folds of the shipped sets (analysis.datasets; sentiment: the
four labelled sets pooled, routing: the segmented 附件2 held-out rows). Office: one correction in
five by the same text hash; neither model ever trains on it. "Not worse" allows
``SHIPPED_TOLERANCE`` (retraining moves a few held-out rows either way); "better" is strict, so
with no office fold nothing is promoted. Every candidate is kept as a version, promoted or not,
with both models' figures; a refused one can still be put in use by hand (``yuqing model use``).
"""

from __future__ import annotations

import functools
import logging
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
#: How much lower on the shipped folds a candidate may score and still count as "not worse".
SHIPPED_TOLERANCE = 0.005


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

    def accuracy(self, model, rows: Sequence[Labelled], raw: bool) -> float | None:
        if self.kind == "sentiment":
            from analysis import sentiment_train

            return sentiment_train.accuracy(model, rows)
        from analysis import routing, routing_train

        tokenize = routing.raw_tokens if raw else routing_train.segmented_tokens
        return routing_train.accuracy(model, [tokenize(r.text) for r in rows],
                                      [r.label for r in rows])

    def figures(self, model, shipped: Shipped, office: corrections.OfficeRows) -> Figures:
        return Figures(self.accuracy(model, shipped.held_out, raw=False),
                       self.accuracy(model, office.held_out, raw=True),
                       len(shipped.held_out), len(office.held_out))


def decide(candidate: Figures, current: Figures,
           tolerance: float = SHIPPED_TOLERANCE) -> tuple[bool, str]:
    """Promote only when not worse on the shipped fold and better on the office fold."""
    if candidate.office is None or current.office is None:
        return False, "未晋升：本单位的纠正中还没有留出检验的样本（纠正太少）"
    if candidate.shipped is not None and current.shipped is not None \
            and candidate.shipped < current.shipped - tolerance:
        return False, (f"未晋升：在通用检验集上更差（{candidate.shipped:.4f} < "
                       f"{current.shipped:.4f}）")
    if candidate.office <= current.office:
        return False, (f"未晋升：在本单位检验集上没有更好（{candidate.office:.4f} ≤ "
                       f"{current.office:.4f}）")
    return True, (f"已晋升：本单位检验集 {current.office:.4f} → {candidate.office:.4f}，"
                  f"通用检验集 {_fmt(current.shipped)} → {_fmt(candidate.shipped)}")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def retrain(session: Session, kind: str, data_dir: Path, *, by: str = "cli",
            shipped: Shipped | None = None, sample: int | None = None,
            tolerance: float = SHIPPED_TOLERANCE) -> RetrainResult:
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
    promoted, reason = decide(candidate, current, tolerance)
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
