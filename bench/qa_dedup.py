"""Deduplication of the Q&A base, measured on 附件4 (board messages with their replies).

The base merges two answered messages when the SimHash of their questions (title + text) is
within MAX_DISTANCE bits (tracker.qa.base). For each distance this prints how many entries
the messages become, and, of the messages merged into an earlier one, the share whose reply
is close to that entry's first reply (character-bigram Jaccard ≥ 0.5): a proxy for "the same
question" (a merge of different questions would usually carry a different reply).

Usage: PYTHONPATH=. .venv/bin/python bench/qa_dedup.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.dedup import SimHashIndex, simhash  # noqa: E402
from bench._common import DATA_DIR, read_csv  # noqa: E402
from tracker.qa.base import MAX_DISTANCE, question_of  # noqa: E402

CSV = DATA_DIR / "tipdm2020c_fj4_replies" / "fujian4_messages_replies_even_ids.csv"


def bigrams(text: str) -> set[str]:
    """Character bigrams of the text without spaces."""
    chars = "".join(text.split())
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """Overlap of two sets (0 when both are empty)."""
    return len(a & b) / len(a | b) if a | b else 0.0


def run(rows: list[dict[str, str]], distance: int) -> tuple[int, int, int]:
    """(entries, merged messages, merged with a close reply) at one distance."""
    index, firsts, merged, close = SimHashIndex(max_distance=distance), [], 0, 0
    for row in rows:
        sig = simhash(question_of(row["留言主题"], row["留言详情"]))
        near = index.query(sig)
        reply = bigrams(row["答复意见"])
        if near:
            merged += 1
            close += jaccard(reply, firsts[int(near[0][0])]) >= 0.5
            continue
        index.add(str(len(firsts)), sig)
        firsts.append(reply)
    return len(firsts), merged, close


def main() -> None:
    """Print the figures for distances 0 to 8 (the product uses MAX_DISTANCE)."""
    rows = [r for r in read_csv(CSV) if r["答复意见"].strip()]
    print(f"附件4: {len(rows)} answered messages")
    for distance in range(0, 9):
        entries, merged, close = run(rows, distance)
        share = close / merged if merged else float("nan")
        mark = " <- product" if distance == MAX_DISTANCE else ""
        print(f"distance {distance}: {entries} entries, {merged} merged, "
              f"reply close for {share:.2f} of merged{mark}")


if __name__ == "__main__":
    main()
