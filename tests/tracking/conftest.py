"""Fixtures of the tracking tests (the world is built by tests/factories, shared with the
browser tests)."""

import pytest

from factories import plan_2012_world


@pytest.fixture
def plan_2012(db):
    """The 2012 plan with two commitments led by two agencies, each agency with an officer."""
    return plan_2012_world()
