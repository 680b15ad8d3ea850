"""Benchmarks of the policy Q&A base (issue 18). Run: ``python bench/qa.py [policy] [qa]``.

``policy``: policy search by question on ncp_policy_qa (held-out documents, against
character TF-IDF), see :mod:`bench.qa_policy`; the attempts toward 0.95 within 5 (translation
model, RM3, rank fusion, word vectors, feature fusion) are ``python bench/qa_policy_attempts.py``.
``qa``: similar answered questions on 附件2 (base and questions split by id; the category of
the suggestion at 1 and within 5, against TF-IDF nearest neighbours), see :mod:`bench.qa_similar`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import qa_policy, qa_similar  # noqa: E402

PARTS = {"policy": qa_policy.run, "qa": qa_similar.main}


def main(argv: list[str]) -> None:
    """Run the parts named in ``argv`` (all when none)."""
    for name in argv or list(PARTS):
        if name not in PARTS:
            raise SystemExit(f"unknown part {name!r} (use {', '.join(PARTS)})")
        PARTS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
