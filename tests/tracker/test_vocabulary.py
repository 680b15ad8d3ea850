"""The domain's words: every code has its label, levels keep their order, both spellings of a
level parse, the analysis' level maps to the ledger's, and the stored codes stay as they are."""

import pytest

from analysis.types import Level as AnalysisLevel
from tracker.vocabulary import (
    EVENT_LEVEL_RANKS,
    KIND_LABELS,
    LEVEL_LABELS,
    REPLY_TYPE_BY_CODE,
    REPLY_TYPES,
    ROLE_NAMES,
    STATUS_ENUMS,
    STATUS_LABELS,
    Kind,
    Level,
    RoleCode,
    from_analysis,
    level_of,
    parse_level,
    reply_type,
    status_label,
)


def test_every_code_has_a_label():
    assert set(LEVEL_LABELS) == set(Level)
    assert set(KIND_LABELS) == set(Kind)
    assert set(ROLE_NAMES) == set(RoleCode)
    for kind, statuses in STATUS_ENUMS.items():
        assert set(STATUS_LABELS[kind]) == {s.value for s in statuses}


def test_stored_codes_are_unchanged():
    # The database stores these values: changing one needs a migration.
    assert [lv.value for lv in Level] == ["general", "larger", "major", "critical"]
    assert [k.value for k in Kind] == ["opinion", "message", "disclosure"]
    assert [r.value for r in RoleCode] == ["opinion_staff", "responder", "leader", "admin"]


def test_levels_are_ordered_lowest_first():
    assert [LEVEL_LABELS[lv] for lv in sorted(Level, key=lambda lv: lv.rank)] == \
        ["一般", "较大", "重大", "特别重大"]
    assert Level.GENERAL.rank < Level.LARGER.rank < Level.MAJOR.rank < Level.CRITICAL.rank


@pytest.mark.parametrize(("text", "level"), [
    ("general", Level.GENERAL), ("一般", Level.GENERAL), ("larger", Level.LARGER),
    ("较大", Level.LARGER), (" 重大 ", Level.MAJOR), ("critical", Level.CRITICAL),
    ("特别重大", Level.CRITICAL), (Level.MAJOR, Level.MAJOR),
])
def test_both_spellings_parse(text, level):
    assert parse_level(text) is level
    assert level_of(text) is level


@pytest.mark.parametrize("text", [None, "", "无", "未定级", "none"])
def test_no_level(text):
    assert parse_level(text) is None
    assert level_of(text) is None


def test_an_unknown_level_is_an_error_only_when_parsing():
    with pytest.raises(ValueError, match="一般/较大/重大/特别重大"):
        parse_level("紧急")
    assert level_of("紧急") is None


def test_the_analysis_level_maps_to_the_ledger_level():
    assert from_analysis(AnalysisLevel.NONE) is None
    mapped = [from_analysis(a) for a in AnalysisLevel if a is not AnalysisLevel.NONE]
    assert mapped == list(Level)
    for level in Level:
        word = AnalysisLevel(LEVEL_LABELS[level])  # the analysis' value is the label
        assert word.rank == level.rank == EVENT_LEVEL_RANKS[word]
        assert from_analysis(word) is level and from_analysis(word.value) is level
    assert EVENT_LEVEL_RANKS["无"] == 0


def test_status_labels_per_kind():
    assert status_label("opinion", "closed") == "办结"
    assert status_label(Kind.DISCLOSURE, "withdrawn") == "视为撤回"
    assert status_label("message", "unheard-of") == "unheard-of"


def test_reply_types_have_unique_codes_and_cite_the_regulation():
    assert len(REPLY_TYPE_BY_CODE) == len(REPLY_TYPES)
    assert all(len(t.code) <= 32 for t in REPLY_TYPES)  # the reply_type column's width
    assert all(t.article.startswith("第") and t.label for t in REPLY_TYPES)
    assert reply_type("not_held").label == "无法提供：本机关不掌握相关政府信息"
    assert reply_type(None) is None and reply_type("nope") is None
