"""Curating the library on SQLite and PostgreSQL: who may draft, put in, edit and withdraw;
every change audited; search by words, tags, department and year; counts per department;
the one-page PDF and the year's document."""

from __future__ import annotations

import re
import subprocess
from zoneinfo import ZoneInfo

import pytest

from tests.tracker.cases.factory import finished_opinion
from tests.tracker.ledger.factory import HOUSING, TRANSPORT, actor, department_id
from tracker.cases import (
    CaseDenied,
    CaseError,
    CaseQuery,
    WriteUp,
    case_pdf,
    case_trail,
    cases_by_department,
    create_case,
    draft_for,
    edit_case,
    parse_tags,
    publish_case,
    search,
    withdraw_case,
    year_pdf,
)

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(session, demo_users):
    """(id, role) of the demo staff, leader and responder."""
    return {name: (a.id, a.role) for name in ("staff", "leader", "responder")
            for a in [actor(session, name)]}


def write_up(session, **changes) -> WriteUp:
    """A complete write-up for the housing bureau."""
    values = dict(title="停水三天当日恢复", background="丽发新城小区停水三天，居民集中反映。",
                  response="住建局当日督促物业更换水泵，18时恢复供水。",
                  result="居民回访满意，全市泵房检查如期开展。",
                  lessons="先解决问题再答复，答复写明时间、依据和联系人。",
                  tags=["供水", "当日办结"], department_id=department_id(session, HOUSING))
    return WriteUp(**{**values, **changes})


def new_case(session, people, who="staff", **changes):
    entry = finished_opinion(session)
    uid, role = people[who]
    return create_case(session, entry, write_up(session, **changes), actor_id=uid, role=role,
                       tz=SH)


def test_staff_draft_a_leader_puts_in_edits_and_withdraws_all_audited(session, people):
    case = new_case(session, people)
    assert case.state == "draft" and case.year == 2025 and case.tag_names == ["供水", "当日办结"]
    leader, role = people["leader"]
    publish_case(session, case, actor_id=leader, role=role)
    changes = edit_case(session, case, write_up(session, title="停水当日恢复供水", tags=["供水"]),
                        actor_id=leader, role=role)
    assert changes == {"title": ("停水三天当日恢复", "停水当日恢复供水"),
                       "tags": ("供水、当日办结", "供水")}
    withdraw_case(session, case, "与另一案例重复", actor_id=leader, role=role)
    assert case.state == "withdrawn" and case.withdraw_reason == "与另一案例重复"
    trail = [(e.action, e.field, e.old_value, e.new_value, e.actor_id)
             for e in case_trail(session, case.id)]
    assert ("create", "title", None, "停水三天当日恢复", people["staff"][0]) in trail
    assert ("publish", "state", "draft", "published", leader) in trail
    assert ("edit", "title", "停水三天当日恢复", "停水当日恢复供水", leader) in trail
    assert ("withdraw", "state", "published", "withdrawn", leader) in trail
    assert case_trail(session, case.id)[-1].detail == {"reason": "与另一案例重复"}


def test_roles_are_checked(session, people):
    with pytest.raises(CaseDenied):
        new_case(session, people, who="responder")
    case = new_case(session, people)
    staff, staff_role = people["staff"]
    with pytest.raises(CaseDenied):
        publish_case(session, case, actor_id=staff, role=staff_role)
    leader, role = people["leader"]
    publish_case(session, case, actor_id=leader, role=role)
    with pytest.raises(CaseDenied):  # staff edit drafts only
        edit_case(session, case, write_up(session, title="改"), actor_id=staff, role=staff_role)
    with pytest.raises(CaseDenied):
        withdraw_case(session, case, "理由", actor_id=staff, role=staff_role)
    with pytest.raises(CaseError, match="撤回理由"):
        withdraw_case(session, case, "  ", actor_id=leader, role=role)
    assert case.state == "published"


def test_write_ups_are_checked_and_one_case_per_entry(session, people):
    entry = finished_opinion(session)
    uid, role = people["staff"]
    for bad, words in ((write_up(session, title=" "), "标题"),
                       (write_up(session, lessons=""), "经验启示"),
                       (write_up(session, result="长" * 501), "不超过 500 字"),
                       (write_up(session, tags=[f"标签{i}" for i in range(9)]), "标签最多")):
        with pytest.raises(CaseError, match=words):
            create_case(session, entry, bad, actor_id=uid, role=role, tz=SH)
    create_case(session, entry, write_up(session), actor_id=uid, role=role, tz=SH)
    with pytest.raises(CaseError, match="已经写成案例"):
        create_case(session, entry, write_up(session), actor_id=uid, role=role, tz=SH)
    open_entry = finished_opinion(session, close=False, satisfaction=None, promise_kept=None)
    with pytest.raises(CaseError, match="办结"):
        create_case(session, open_entry, write_up(session), actor_id=uid, role=role, tz=SH)


def test_a_draft_starts_from_the_entry():
    assert parse_tags("供水，当日办结、 供水 回访") == ["供水", "当日办结", "回访"]


def test_draft_for_copies_the_matter_the_reply_and_the_follow_up(session, people):
    entry = finished_opinion(session)
    draft = draft_for(entry)
    assert draft.background.startswith("丽发新城小区停水三天")
    assert "更换水泵" in draft.response and "泵房检查已开展" in draft.result
    assert draft.department_id == entry.lead_department_id and draft.lessons == ""


def test_search_by_words_tags_department_and_year(session, people):
    leader, role = people["leader"]
    water = new_case(session, people, title="停水当日恢复", tags=["供水"])
    road = new_case(session, people, title="道路破损一周修复", tags=["道路", "回访"],
                    background="某路段坑洼，市民投诉100%属实", lessons="现场核实后限期修复。",
                    department_id=department_id(session, TRANSPORT))
    draft = new_case(session, people, title="停水草稿", tags=["供水"])
    for case in (water, road):
        publish_case(session, case, actor_id=leader, role=role)

    def titles(**query):
        return {c.title for c in search(session, CaseQuery(**query))} & {
            water.title, road.title, draft.title}

    assert titles(words="停水") == {water.title}  # the draft is not in the library
    assert titles(words="停水", state="draft") == {draft.title}
    assert titles(words="限期 修复") == {road.title}  # every word, any field
    assert titles(words="回访") == {water.title, road.title}  # result text, or a tag
    assert titles(words="100%") == {road.title}  # % is a character, not a wildcard
    assert titles(tag="道路") == {road.title}
    assert titles(department_id=department_id(session, TRANSPORT)) == {road.title}
    assert titles(year=2025, tag="供水") == {water.title}
    assert titles(year=2024) == set()


def test_cases_by_department_counts_the_library_of_a_year(session, people):
    leader, role = people["leader"]
    housing, transport = department_id(session, HOUSING), department_id(session, TRANSPORT)
    before = cases_by_department(session, 2025)
    cases = [new_case(session, people), new_case(session, people),
             new_case(session, people, department_id=transport), new_case(session, people)]
    for case in cases[:3]:
        publish_case(session, case, actor_id=leader, role=role)
    withdraw_case(session, cases[1], "重复", actor_id=leader, role=role)
    after = cases_by_department(session, 2025)
    assert after.get(housing, 0) - before.get(housing, 0) == 1
    assert after.get(transport, 0) - before.get(transport, 0) == 1
    assert cases_by_department(session, 2031) == {}


def pdf_pages(data: bytes, tmp_path) -> tuple[int, str]:
    """(pages, text) of a PDF, read by poppler's pdfinfo and pdftotext."""
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return pages, text


def test_a_case_prints_on_one_page_even_when_long(session, people, tmp_path):
    short = new_case(session, people)
    pages, text = pdf_pages(case_pdf(short, SH), tmp_path)
    assert pages == 1 and "停水三天当日恢复" in text and "经验启示" in text
    full = "居民反映的问题经核实属实，相关部门立即组织处置并向社会公开进展。" * 16
    long = new_case(session, people, **{k: full[:500] for k in (
        "background", "response", "result", "lessons")}, title="长" * 60)
    pages, text = pdf_pages(case_pdf(long, SH), tmp_path)
    assert pages == 1 and "经验启示" in text


def test_the_year_document_has_a_cover_and_a_page_a_case(session, people, tmp_path):
    leader, role = people["leader"]
    cases = [new_case(session, people, title=f"年度案例{i}") for i in range(2)]
    for case in cases:
        publish_case(session, case, actor_id=leader, role=role)
    pages, text = pdf_pages(year_pdf(cases, 2025, SH), tmp_path)
    assert pages == 3 and "2025年度亮点工程案例汇编" in text and "年度案例1" in text
    pages, text = pdf_pages(year_pdf([], 2031, SH), tmp_path)
    assert pages == 1 and "还没有案例" in text
