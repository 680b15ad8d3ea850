"""The hand-marked masking set (tests/analysis/data/masking_set.jsonl) meets its targets:
the writer's name masked everywhere, names marked by context >= 95% recall, look-alikes kept
>= 98%, and no kind of number missed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from analysis.privacy import mask
from analysis.privacy_score import score_records

SET = Path(__file__).resolve().parent / "data" / "masking_set.jsonl"


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def score(records):
    return score_records(records)


def test_the_set_has_every_kind_it_claims(records):
    kinds = Counter(span["kind"] for r in records for span in r["spans"])
    assert kinds["author"] >= 60 and kinds["name"] >= 130
    assert kinds["address"] >= 10 and kinds["mobile"] >= 10 and kinds["plate"] >= 4
    assert sum(len(r["keep"]) for r in records) >= 200
    for r in records:  # spans index the text they mark
        for span in r["spans"] + r["keep"] + r["bare"]:
            assert r["text"][span["start"]:span["end"]] == span["text"]


def test_the_writer_is_masked_everywhere(score, records):
    assert score.marked["author"] >= 60
    assert score.recall("author") == 1.0, score.misses
    for r in records:
        if r["author"]:
            assert r["author"] not in mask(r["text"], author=r["author"],
                                           nicknames=r["nicknames"])


def test_names_marked_by_context(score):
    assert score.recall("name") >= 0.95, score.misses
    assert score.precision("name") >= 0.95, score.wrong


def test_look_alikes_are_kept(score):
    assert score.keep_rate >= 0.98, score.lost


@pytest.mark.parametrize("kind", ["mobile", "landline", "id_card", "plate", "email", "address"])
def test_numbers_and_addresses(score, kind):
    assert score.recall(kind) == 1.0, [m for m in score.misses if m[1] == kind]
    assert score.precision(kind) >= 0.85, [w for w in score.wrong if w[1] == kind]
