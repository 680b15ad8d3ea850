"""``yuqing import-messages``: every TipDM export as it is, awkward files, rejected rows."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import SHARED_DATA
from tracker.collection.importer import ImportFileError, ensure_import_source, import_messages
from tracker.models import MessageCase

YUQING = str(Path(sys.executable).with_name("yuqing"))
FILES = {
    "fj2": ("tipdm2020c_fj2_sample/fujian2_sample_messages.csv", 494,
            [{"row": 312, "reason": "duplicate 留言编号 37042 (first in row 100)"}]),
    "fj3": ("tipdm2020c_fj3_hot/fujian3_messages_likes.csv", 4326, []),
    "fj4": ("tipdm2020c_fj4_replies/fujian4_messages_replies_even_ids.csv", 1402, []),
}
NO_REPLY = "the message is imported without its reply"
HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]


def yuqing(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the real command as a child process."""
    return subprocess.run([YUQING, *args], env=os.environ | env, capture_output=True,
                          text=True, timeout=300)


def yuqing_here(args: list[str], env: dict[str, str]):
    """Run the real command in this process (the CLI's imports are paid once)."""
    from click.testing import CliRunner

    from tracker.cli import cli

    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def db_env(tmp_path_factory) -> dict[str, str]:
    """A migrated SQLite database for the command-line imports."""
    var = tmp_path_factory.mktemp("var")
    env = {"YUQING_DATA_DIR": str(var), "YUQING_ENV": "test",
           "YUQING_DATABASE_URL": f"sqlite:///{var / 'yuqing.db'}"}
    assert yuqing_here(["db", "upgrade"], env).exit_code == 0
    return env


@pytest.mark.parametrize("name", list(FILES))
def test_each_tipdm_file_imports_every_valid_row_and_twice_changes_nothing(db_env, name):
    rel, valid, errors = FILES[name]
    args = ["import-messages", str(SHARED_DATA / rel), "--source", name, "--json"]
    first = yuqing_here(args, db_env)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {"imported": valid, "updated": 0,
                                        "rejected": len(errors), "errors": errors,
                                        "warnings": []}
    second = yuqing_here(args, db_env)
    assert json.loads(second.stdout) == {"imported": 0, "updated": 0,
                                         "rejected": len(errors), "errors": errors,
                                         "warnings": []}


def test_imported_fields_match_the_export(session):
    source = ensure_import_source(session, "fj4")
    import_messages(session, source, SHARED_DATA / FILES["fj4"][0])
    case = session.scalar(select(MessageCase).where(MessageCase.external_id == "2554"))
    assert case.title == "A3区潇楚南路洋湖段怎么还没修好？"
    assert case.body.startswith("潇楚南路从2018年开始修")  # leading tabs and newlines gone
    assert case.submitted_at == datetime(2019, 4, 24, 8, 3, 40, tzinfo=UTC)
    assert case.replied_at == datetime(2019, 5, 9, 1, 49, 10, tzinfo=UTC)
    assert case.status == "replied" and case.reply_text.startswith("网友“A00023583”：您好！")
    date_only = session.scalar(select(MessageCase).where(
        MessageCase.replied_at == datetime(2018, 4, 23, 16, 0, tzinfo=UTC)))  # 2018/4/24
    assert date_only is not None
    assert session.scalar(select(func.count()).select_from(MessageCase)) == 1402
    again = import_messages(session, source, SHARED_DATA / FILES["fj4"][0])
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 1402)


def write_csv(path: Path, rows: list[list[str]], encoding: str, bom: bool = False) -> Path:
    """A CSV with CRLF line ends (and quoted multi-line cells where a cell has newlines)."""
    with path.open("w", encoding=encoding, newline="") as handle:
        if bom:
            handle.write("\ufeff")
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True),
                                               ("gbk", False), ("gb18030", False)])
def test_encodings_crlf_and_multi_line_cells(session, tmp_path, encoding, bom):
    text = "第一段\n第二段，含“引号”,逗号" + ("㐀" if encoding == "gb18030" else "")
    path = write_csv(tmp_path / "export.csv", [
        HEADER, ["1", "A001", "路灯不亮", "2019/4/25 9:32:09", text, "", ""],
        ["2", "A002", "噪音扰民", "2019年4月26日 10:00", "夜间施工", "已处理", "2019/5/1"]],
        encoding, bom)
    report = import_messages(session, ensure_import_source(session, "csv"), path)
    assert (report.imported, report.rejected) == (2, 0)
    first = session.scalar(select(MessageCase).where(MessageCase.external_id == "1"))
    assert first.body == text and first.title == "路灯不亮"
    assert first.submitted_at == datetime(2019, 4, 25, 1, 32, 9, tzinfo=UTC)


def test_xlsx_with_excel_dates_numbers_and_a_header_map(session, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "留言用户", "留言主题", "来信时间", "留言详情", "一级标签", "点赞数"])
    sheet.append([188006, "A1", "咨询落户", datetime(2019, 2, 28, 11, 25, 5), "内容", "公安",
                  3])
    sheet.append([188007, "A2", "路面积水", 43580.5, "内容二", "城乡建设", None])
    sheet.append([None, None, None, None, None, None, None])  # trailing empty row
    book.save(tmp_path / "export.xlsx")
    report = import_messages(session, ensure_import_source(session, "xlsx"),
                             tmp_path / "export.xlsx", {"编号": "留言编号", "来信时间": "留言时间"})
    assert (report.imported, report.rejected) == (2, 0)
    cases = {c.external_id: c for c in session.scalars(select(MessageCase))}
    assert cases["188006"].submitted_at == datetime(2019, 2, 28, 3, 25, 5, tzinfo=UTC)
    assert cases["188007"].submitted_at == datetime(2019, 4, 25, 4, 0, tzinfo=UTC)
    assert (cases["188006"].category, cases["188006"].likes) == ("公安", 3)


def test_bad_rows_are_reported_by_row_number_and_reason(session, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [
        HEADER + ["点赞数"],
        ["1", "A", "正常", "2019/4/25 9:32:09", "x\ny", "", "", "1"],
        ["", "A", "没有编号", "2019/4/25 9:32:09", "x", "", "", ""],
        ["3", "A", "日期坏了", "2019/13/45 9:32:09", "x", "", "", ""],
        ["4", "A", "先答后问", "2019/4/25 9:32:09", "x", "已答复", "2019/4/1 8:00:00", ""],
        ["1", "A", "重复编号", "2019/4/25 9:32:09", "x", "", "", ""],
        ["6", "A", "点赞不是数", "2019/4/25 9:32:09", "x", "", "", "很多"],
        ["7", "A", "", "2019/4/25 9:32:09", "x", "", "", ""],
        ["8", "A", "", "2019/4/25 9:32:09", "", "", "", ""],
        ["9", "A", "没有时间", "", "x", "", "", ""],
        ["10", "A", "答复没有时间", "2019/4/25 9:32:09", "x", "已答复", "", ""],
        ["11", "A", "只有答复时间", "2019/4/25 9:32:09", "x", "", "2019/4/26 8:00:00", ""],
        ["12", "A", "答复时间坏了", "2019/4/25 9:32:09", "x", "已答复", "下周", ""],
    ], "utf-8")
    report = import_messages(session, ensure_import_source(session, "bad"), path)
    assert report.imported == 6  # every row that can be a message is kept
    assert report.errors == [
        {"row": 3, "reason": "missing 留言编号"},
        {"row": 4, "reason": "留言时间 is not a date: '2019/13/45 9:32:09'"},
        {"row": 5, "reason": "reply before receipt"},
        {"row": 6, "reason": "duplicate 留言编号 1 (first in row 2)"},
        {"row": 9, "reason": "missing 留言主题 and 留言详情"},
        {"row": 10, "reason": "missing 留言时间"},
    ]
    assert report.warnings == [
        {"row": 7, "reason": "点赞数 is not a number: '很多', left empty"},
        {"row": 8, "reason": "missing 留言主题; titled from 留言详情: 'x'"},
        {"row": 11, "reason": f"答复意见 without 答复时间; {NO_REPLY}"},
        {"row": 12, "reason": f"答复时间 without 答复意见; {NO_REPLY}"},
        {"row": 13, "reason": f"答复时间 is not a date: '下周'; {NO_REPLY}"},
    ]
    cases = {c.external_id: c for c in session.scalars(select(MessageCase))}
    assert cases["6"].likes == 0 and cases["7"].title == "x"
    assert all(cases[i].replied_at is None and cases[i].reply_text is None
               for i in ("10", "11", "12"))


def test_a_file_without_the_needed_columns_is_refused(session, tmp_path):
    path = write_csv(tmp_path / "x.csv", [["编号", "标题"], ["1", "t"]], "utf-8")
    with pytest.raises(ImportFileError, match="missing column"):
        import_messages(session, ensure_import_source(session, "x"), path)


def test_command_line_errors_are_one_line(db_env, tmp_path):
    path = write_csv(tmp_path / "x.csv", [["编号", "标题"], ["1", "t"]], "utf-8")
    result = yuqing(["import-messages", str(path)], db_env)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "missing column(s) 留言编号" in lines[0] and "--map" in lines[0]
    mapped = yuqing_here(["import-messages", str(path), "--map", "标题=题目"], db_env)
    assert mapped.exit_code != 0 and "not a standard header" in mapped.output


def test_a_real_letter_without_a_title_gets_one_from_its_text(session, tmp_path):
    from tests.tracker.collection.test_import_ledger import UNTITLED, gbk_export

    path, row = gbk_export(tmp_path / "gbk.csv")
    report = import_messages(session, ensure_import_source(session, "gbk"), path)
    assert (report.imported, report.rejected, [w["row"] for w in report.warnings]) == (40, 0,
                                                                                        [row])
    case = session.scalar(select(MessageCase).where(MessageCase.external_id == "3692"))
    assert case.title == UNTITLED
    assert case.body.startswith("胡书记：您好，我想请问一下") and case.replied_at is not None


@pytest.mark.parametrize(("text", "title"), [
    ("尊敬的领导：我们是贵省A市芒果金融的出借人，最近芒果金融平台因出借人恐慌被挤兑。",
     "我们是贵省A市芒果金融的出借人"),
    ("易书记：\u3000\u3000干洗店要不要经过环保部门的验收通过之后才能正式营业？小区里",
     "干洗店要不要经过环保部门的验收通过之后才能正式营业？"),
    ("胡书记好！根据规划，洋湖新城和顺路两侧都有15米左右的公共绿化带，沿路两侧小区均已完成建设。",
     "根据规划，洋湖新城和顺路两侧都有15米左右的公共绿化带"),
    ("2016年下半年新开铺路全线开通后给市民行车带来了极大的方便但在路口一直未拆除",
     "2016年下半年新开铺路全线开通后给市民行车带来了极大的方…"),
    ("路灯不亮", "路灯不亮"),
    ("尊敬的领导：", "尊敬的领导"),
])
def test_derived_titles_skip_the_salutation_and_stay_short(text, title):
    from tracker.collection.textclean import TITLE_LIMIT, derive_title

    assert derive_title(text) == title and len(title) <= TITLE_LIMIT
