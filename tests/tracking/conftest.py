"""Fixtures of the tracking tests (helpers in tests/tracking_factories.py, shared with the
browser tests)."""

import pytest

from tracking_factories import plan_2012_world


@pytest.fixture
def plan_2012(db):
    """The 2012 plan with two commitments led by two agencies, each agency with an officer."""
    return plan_2012_world()
