"""The package layers hold: analysis <- tracker <- {crawlers, web}; crawlers and web apart."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ["analysis", "tracker", "crawlers", "web"]


def run_lint(root: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the tree at ``root`` with its pyproject contracts."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, timeout=300,
    )


def copy_tree(dest: Path) -> Path:
    """Copy the four packages and pyproject.toml into ``dest``."""
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
    ],
)
def test_a_forbidden_import_breaks_the_check(tmp_path, module, line, contract):
    root = copy_tree(tmp_path)
    (root / module).write_text(line)
    result = run_lint(root)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and contract in result.stdout
