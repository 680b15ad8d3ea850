"""Every area of tracker has a front door: its ``__init__`` says what it offers, in ``__all__``,
every name offered is really there (a front door that loads lazily is checked too), and the
areas (and the CLI) use each other only through those doors (web: see the import contracts)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import tracker

AREAS = sorted(m.name for m in pkgutil.iter_modules(tracker.__path__) if m.ispkg)
SHARED_GROUND = {"cli", "models"}  # the command group and the models: not areas


def test_the_top_level_is_only_shared_ground():
    modules = sorted(m.name for m in pkgutil.iter_modules(tracker.__path__) if not m.ispkg)
    assert modules == ["db", "migrate", "settings", "vocabulary"]
    assert len(modules) + 1 <= 6  # with __init__


@pytest.mark.parametrize("area", [a for a in AREAS if a not in SHARED_GROUND])
def test_each_area_names_what_it_offers(area):
    module = importlib.import_module(f"tracker.{area}")
    assert module.__doc__, f"tracker.{area} has no docstring"
    offered = getattr(module, "__all__", None)
    assert offered, f"tracker.{area} has no __all__"
    missing = [name for name in offered if getattr(module, name, None) is None]
    assert not missing, f"tracker.{area} offers names it does not have: {missing}"


def _cross_area_imports() -> list[str]:
    """Imports from one area of another area's modules (or of a module through its door)."""
    root = Path(tracker.__file__).parent
    areas = set(AREAS) - SHARED_GROUND
    found = []
    for path in sorted(root.rglob("*.py")):
        home = path.relative_to(root).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(
                    "tracker."):
                continue
            parts = node.module.split(".")
            if parts[1] not in areas or parts[1] == home:
                continue
            door = root / parts[1]
            modules = [a.name for a in node.names
                       if (door / f"{a.name}.py").exists() or (door / a.name).is_dir()]
            if len(parts) > 2 or modules:
                found.append(f"{path.relative_to(root)}: from {node.module} import "
                             + ", ".join(a.name for a in node.names))
    return found


def test_areas_use_each_other_through_their_front_doors():
    assert _cross_area_imports() == []
