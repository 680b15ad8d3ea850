"""``yuqing dept list|add|edit|disable|enable|seed|map`` as an admin runs them (a subprocess per
command, both databases): the directory and the map change as said; errors are one line."""

import json

from tests.tracker.cli import test_cli
from tests.tracker.cli.test_cli import assert_one_line_error, run

db_env = test_cli.db_env  # an empty database per backend, as the CLI tests use


def dept(args, env, cwd):
    """Run ``yuqing dept ARGS``."""
    return run(["dept", *args], env, cwd)


def listed(env, cwd) -> dict[str, dict]:
    """The departments as ``dept list --json`` prints them, by name."""
    result = dept(["list", "--json"], env, cwd)
    assert result.returncode == 0, result.stderr
    return {row["name"]: row for row in json.loads(result.stdout)}


def test_dept_commands_manage_the_directory(db_env, tmp_path):
    assert run(["db", "upgrade"], db_env, tmp_path).returncode == 0
    for args, says in (
            (["add", "市城市管理局", "--short", "城管局", "--head", "周局长",
              "--contacts", "0731-12345678"], "added department 市城市管理局"),
            (["add", "市容环卫处", "--parent", "城管局"], "added"),
            (["edit", "市容环卫处", "--head", "吴处长", "--short", "环卫处"], "updated"),
            (["edit", "市容环卫处", "--head", "吴处长"], "unchanged"),
            (["disable", "环卫处"], "disabled 环卫处"),
            (["disable", "市容环卫处"], "already disabled")):
        result = dept(args, db_env, tmp_path)
        assert result.returncode == 0 and says in result.stdout, (args, result.stderr)
    rows = listed(db_env, tmp_path)
    assert rows["市城市管理局"] == {"name": "市城市管理局", "short_name": "城管局",
                                   "parent": None, "head": "周局长",
                                   "contacts": "0731-12345678", "active": True}
    assert rows["市容环卫处"]["parent"] == "市城市管理局"
    assert (rows["市容环卫处"]["head"], rows["市容环卫处"]["active"]) == ("吴处长", False)
    assert "enabled" in dept(["enable", "市容环卫处"], db_env, tmp_path).stdout
    plain = dept(["list"], db_env, tmp_path).stdout
    assert "市容环卫处\t环卫处\t市城市管理局\t吴处长\t-\tactive" in plain


def test_dept_seed_is_idempotent_and_checks_a_taxonomy(db_env, tmp_path):
    run(["db", "upgrade"], db_env, tmp_path)
    first = dept(["seed", "--json"], db_env, tmp_path)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert len(report["departments_added"]) == 15 and len(report["categories_mapped"]) == 15
    again = json.loads(dept(["seed", "--json"], db_env, tmp_path).stdout)
    assert again == {"departments_added": [], "categories_mapped": [], "unmapped": []}
    taxonomy = tmp_path / "taxonomy.csv"
    taxonomy.write_text("一级分类,二级分类\n交通运输,公路\n外事侨务,出入境\n", encoding="utf-8")
    assert_one_line_error(dept(["seed", "--taxonomy", str(taxonomy)], db_env, tmp_path),
                          "categories without a department: 外事侨务")
    assert dept(["map", "外事侨务", "市政府办公室"], db_env, tmp_path).returncode == 0
    assert dept(["seed", "--taxonomy", str(taxonomy)], db_env, tmp_path).returncode == 0
    mapped = {r["category"]: r["department"] for r in json.loads(
        dept(["map", "--json"], db_env, tmp_path).stdout)}
    assert mapped["交通运输"] == "市交通运输局" and mapped["外事侨务"] == "市政府办公室"
    assert len(mapped) == 16


def test_dept_command_errors_are_one_line(db_env, tmp_path):
    run(["db", "upgrade"], db_env, tmp_path)
    dept(["add", "市民政局"], db_env, tmp_path)
    for args, needle in ((["add", "市民政局"], "already exists"),
                         (["add", "市养老服务中心", "--parent", "不存在"], "no department"),
                         (["edit", "市民政局", "--parent", "市民政局"], "under itself"),
                         (["disable", "nobody"], "no department 'nobody'"),
                         (["map", "民政", "nobody"], "no department"),
                         (["seed", "--taxonomy", str(tmp_path / "none.csv")], "cannot read")):
        result = dept(args, db_env, tmp_path)
        assert_one_line_error(result, needle)
        assert result.returncode == 1
