"""Every area of tracker has a front door: its ``__init__`` says what it offers, in ``__all__``,
and every name offered is really there (a front door that loads lazily is checked too)."""

from __future__ import annotations

import importlib
import pkgutil

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
