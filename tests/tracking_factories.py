"""Moved to tests/factories (tracking); kept so older imports keep working."""

from factories import officer_of, plan_2012_world  # noqa: F401
