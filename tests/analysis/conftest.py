"""Shared fixtures of the analysis tests: where the shared data sets live."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from demo.site.data import DEFAULT_DATA_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = DEFAULT_DATA_DIR


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared data folder (see demo.site.data.DEFAULT_DATA_DIR)."""
    if not DATA_DIR.is_dir():
        pytest.skip(f"shared data not found at {DATA_DIR}")
    return DATA_DIR


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV file into dicts."""
    csv.field_size_limit(10_000_000)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
