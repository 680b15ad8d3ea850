"""Masking test set: precision and recall per kind, and the share of look-alikes kept.

Reads tests/analysis/data/masking_set.jsonl (hand-marked excerpts of ../shared/data; see the
README beside it) and prints one line per kind, the look-alike kept rate, the time per record,
and with ``--show`` every miss, wrong mask and lost look-alike.
Targets: the known writer's name (author) 100% masked; names marked by context >= 95% recall;
look-alikes kept >= 98%.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from analysis.privacy import find_pii  # noqa: E402
from analysis.privacy_score import score_records  # noqa: E402

SET = REPO_ROOT / "tests" / "analysis" / "data" / "masking_set.jsonl"
KINDS = ("author", "name", "mobile", "landline", "id_card", "bank_card", "plate", "email",
         "address")


def main(show: bool = False) -> None:
    """Score the set and print the figures."""
    records = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()]
    find_pii("预热：我叫张三。")  # load jieba before timing
    started = time.perf_counter()
    score = score_records(records)
    elapsed = time.perf_counter() - started
    print(f"masking set: {len(records)} records "
          f"({sum(r['synthetic'] for r in records)} with made-up numbers)")
    print(f"{'kind':<10} {'marked':>6} {'recall':>7} {'found':>6} {'precision':>9}")
    for kind in KINDS:
        print(f"{kind:<10} {score.marked[kind]:>6} {score.recall(kind):>7.1%} "
              f"{score.found[kind]:>6} {score.precision(kind):>9.1%}")
    print(f"look-alikes kept: {score.keep_kept}/{score.keep_total} = {score.keep_rate:.1%}")
    print(f"time: {1000 * elapsed / len(records):.2f} ms per record")
    if show:
        for label, rows in (("missed", score.misses), ("wrong", score.wrong),
                            ("lost", score.lost)):
            for row in rows:
                print(label, *row)


if __name__ == "__main__":
    main(show="--show" in sys.argv)
