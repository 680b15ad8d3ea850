"""Similar questions on 附件2 (9,210 messages with 一级标签): does the suggestion share the
question's category?

The messages are split by id (row number, the fixed held-out hash of bench/_common.py) into a
base (~80%) and questions (~20%). For each question the base is searched; the figures are the
share whose first suggestion has the question's category (@1) and whose top 5 hold one (@5).
A TF-IDF nearest-neighbour search (cosine, word unigrams, sklearn) runs in the same process as
the baseline. Each attempt of analysis.qa_match is printed, and the one the product uses is
marked. Near-duplicate base messages (SimHash, analysis.dedup) are collapsed in the "dedup"
attempts as the Q&A base does.

Usage: PYTHONPATH=. .venv/bin/python bench/qa_similar.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tempfile  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from analysis.dedup import SimHashIndex, simhash  # noqa: E402
from analysis.qa_match import Matcher, Options  # noqa: E402
from bench._common import DATA_DIR, is_held_out, read_csv, timed  # noqa: E402
from tracker.index import PassageDoc, Scoring  # noqa: E402
from tracker.index.embedded.passages import EmbeddedPassageIndex  # noqa: E402

CSV = DATA_DIR / "tipdm2020c_fj2_full_segmented" / "fujian2_full_segmented.csv"
K = 5


def load() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(text, label) of the base and of the questions, split by row id."""
    base, questions = [], []
    for i, row in enumerate(read_csv(CSV), start=1):
        pair = (row["segmented_text"], row["一级标签"])
        (questions if is_held_out(str(i)) else base).append(pair)
    return base, questions


def shares(ranked: list[list[int]], base: list[tuple[str, str]],
           questions: list[tuple[str, str]]) -> tuple[float, float]:
    """Share of questions whose first suggestion, and any of the top K, has their label."""
    at1 = at5 = 0
    for hits, (_, label) in zip(ranked, questions, strict=True):
        labels = [base[h][1] for h in hits[:K]]
        at1 += bool(labels) and labels[0] == label
        at5 += label in labels
    return at1 / len(questions), at5 / len(questions)


def tfidf(base, questions) -> list[list[int]]:
    """Cosine nearest neighbours over TF-IDF of the given words."""
    vec = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False)
    matrix = vec.fit_transform([t for t, _ in base])
    sims = (vec.transform([t for t, _ in questions]) @ matrix.T).toarray()
    return [list(np.argsort(-row, kind="stable")[:K]) for row in sims]


def dedup(base: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The base without near-duplicates (the first of each group stays)."""
    index, kept = SimHashIndex(), []
    for text, label in base:
        sig = simhash(text)
        if sig and index.query(sig):
            continue
        index.add(str(len(kept)), sig)
        kept.append((text, label))
    return kept


def bm25(base, questions, options: Options) -> list[list[int]]:
    """BM25 suggestions of analysis.qa_match (the whole text is the 'title' part: no title
    column in this data set, so title weighting cannot be measured here)."""
    matcher = Matcher([("", t) for t, _ in base], options)
    return [[i for i, _ in matcher.top("", t, K)] for t, _ in questions]


def passage_index(base, questions, scoring: Scoring) -> list[list[int]]:
    """The qa collection of the embedded passage index (tracker.index.passages): the whole
    text as the document's text; the question's first 64 tokens are searched."""
    with tempfile.TemporaryDirectory() as tmp:
        index = EmbeddedPassageIndex(Path(tmp) / "passages.db", "qa")
        index.ensure()
        index.upsert(PassageDoc(id=str(i), collection="qa", title="", text=t.replace(" ", ""))
                     for i, (t, _) in enumerate(base))
        ranked = [[int(h.doc.id) for h in index.search(t.replace(" ", ""), K, scoring=scoring)]
                  for t, _ in questions]
        index.close()
    return ranked


ATTEMPTS = (
    ("BM25 words", Options(words=True, chars=False, segmented=True), False),
    ("BM25 chars", Options(words=False, chars=True, segmented=True), False),
    ("BM25 words+chars", Options(segmented=True), False),
    ("BM25 words+chars, dedup", Options(segmented=True), True),
)
PRODUCT = "BM25 words+chars, dedup"


def main() -> None:
    """Print the baseline and each attempt, @1 and @5, and the gain over the baseline."""
    base, questions = load()
    print(f"附件2: base {len(base)}, questions {len(questions)}")
    ranked, secs = timed(lambda: tfidf(base, questions))
    b1, b5 = shares(ranked, base, questions)
    print(f"{'TF-IDF nearest neighbours':32s} @1={b1:.4f} @5={b5:.4f} ({secs:.1f}s)")
    for name, scoring in (("passage index (defaults)", Scoring()),
                          ("passage index, no synonyms", Scoring(expand=False))):
        ranked, secs = timed(lambda s=scoring: passage_index(base, questions, s))
        a1, a5 = shares(ranked, base, questions)
        print(f"{name:32s} @1={a1:.4f} @5={a5:.4f} (@1 {100 * (a1 - b1):+.1f}, "
              f"@5 {100 * (a5 - b5):+.1f} points; {secs:.1f}s)")
    for name, options, collapse in ATTEMPTS:
        pool = dedup(base) if collapse else base
        ranked, secs = timed(lambda p=pool, o=options: bm25(p, questions, o))
        a1, a5 = shares(ranked, pool, questions)
        mark = " <- product" if name == PRODUCT else ""
        print(f"{name:32s} @1={a1:.4f} @5={a5:.4f} (@1 {100 * (a1 - b1):+.1f}, "
              f"@5 {100 * (a5 - b5):+.1f} points; base {len(pool)}; {secs:.1f}s){mark}")


if __name__ == "__main__":
    main()
