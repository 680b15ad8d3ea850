"""Learning from the office: its corrections retrain the models, safely.

- :mod:`tracker.learning.corrections`: sentiment corrections and department reassignments as
  labelled rows (the last per mention or entry; overruled ones left out); the leader's overrule
- :mod:`tracker.learning.versions`: model versions, the one in use, rollback, and pointing the
  analysis layer at the active artefacts
- :mod:`tracker.learning.candidates`: train a candidate, compare on the same held-out folds,
  promote only when it is not worse on the shipped folds and better on the office's
"""

from __future__ import annotations

from tracker.learning.candidates import SHIPPED_Z, RetrainResult, Shipped, decide, retrain
from tracker.learning.corrections import (
    OfficeRows,
    last_corrections,
    latest_sentiment_corrections,
    overrule_correction,
    routing_rows,
    sentiment_rows,
)
from tracker.learning.versions import (
    KINDS,
    SHIPPED,
    ModelError,
    activate,
    active_version,
    model_versions,
    switches,
    use,
)

__all__ = [
    "KINDS",
    "SHIPPED",
    "SHIPPED_Z",
    "ModelError",
    "OfficeRows",
    "RetrainResult",
    "Shipped",
    "activate",
    "active_version",
    "decide",
    "last_corrections",
    "latest_sentiment_corrections",
    "overrule_correction",
    "retrain",
    "routing_rows",
    "sentiment_rows",
    "switches",
    "use",
    "model_versions",
]
