"""Benchmarks of the policy Q&A base (issue 18). Run: ``python bench/qa.py [policy]``.

``policy``: policy search by question on ncp_policy_qa (held-out documents, against
character TF-IDF), see :mod:`bench.qa_policy`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import qa_policy  # noqa: E402

PARTS = {"policy": qa_policy.run}


def main(argv: list[str]) -> None:
    """Run the parts named in ``argv`` (all when none)."""
    for name in argv or list(PARTS):
        if name not in PARTS:
            raise SystemExit(f"unknown part {name!r} (use {', '.join(PARTS)})")
        PARTS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
