"""Fixtures for the analysis engine's tests (no database)."""

import sys
from pathlib import Path

import pytest

# the hand-made cases live beside the tests (tests/ has no __init__.py to import them by)
sys.path.insert(0, str(Path(__file__).parent))

from analysis_cases import COPIES, OTHERS  # noqa: E402

from samskab.analysis import Record  # noqa: E402


@pytest.fixture
def campaign_records() -> list[Record]:
    """Eleven copies of one form letter (``c-*``) and eight unrelated responses (``o-*``)."""
    records = [Record(id=f"c-{i:02d}", text=t) for i, t in enumerate(COPIES)]
    records += [Record(id=f"o-{i:02d}", text=t) for i, t in enumerate(OTHERS)]
    return records
