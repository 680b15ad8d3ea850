"""The package layers hold: analysis <- tracker <- {crawlers, web, demo}, those three apart, and
web enters tracker only through the areas' front doors (``tracker.AREA``, never its modules)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ["analysis", "tracker", "crawlers", "web", "demo"]


def run_lint(root: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the tree at ``root`` with its pyproject contracts."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=300,
    )


def copy_tree(dest: Path) -> Path:
    """Copy the five packages and pyproject.toml into ``dest``."""
    for name in PACKAGES:
        shutil.copytree(REPO_ROOT / name, dest / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.joblib", "*.npz", "*.csv"))
    shutil.copy(REPO_ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def test_layers_hold_in_the_repository():
    result = run_lint(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("tracker/_bad.py", "import web\n", "Layers"),
        ("crawlers/_bad.py", "import web\n", "Layers"),
        ("analysis/_bad.py", "import tracker\n", "Layers"),
        ("tracker/_bad.py", "import flask\n", "tracker never imports Flask"),
        ("analysis/_bad.py", "import sqlalchemy\n", "analysis is pure"),
        ("tracker/ledger/_bad.py", "import demo\n", "Layers"),
        ("web/_bad.py", "import demo.seed\n", "Layers"),
        ("demo/_bad.py", "import crawlers.items\n", "Layers"),
        ("web/_bad.py", "from tracker.ledger.states import Status\n", "front doors"),
        ("web/_bad.py", "import tracker.events.triage\n", "front doors"),
        ("web/ledger/_bad.py", "from tracker.models.ledger import LedgerEntry\n", "front doors"),
    ],
)
def test_a_forbidden_import_breaks_the_check(tmp_path, module, line, contract):
    root = copy_tree(tmp_path)
    (root / module).write_text(line)
    result = run_lint(root)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and contract in result.stdout


def test_a_front_door_import_keeps_the_check(tmp_path):
    root = copy_tree(tmp_path)
    (root / "web" / "_ok.py").write_text("from tracker.ledger import get_entry\n"
                                         "from tracker.models import LedgerEntry\n")
    result = run_lint(root)
    assert result.returncode == 0, result.stdout
