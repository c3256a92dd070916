"""Shared fixtures. Tests hit the real database (SQLite or PostgreSQL, see scripts/run-tests.sh)."""

import pytest
from django.test import Client, override_settings


class VerifiedClient(Client):
    """Django's test client whose `force_login` signs in as a staff member who has passed the
    second factor: a real confirmed TOTP device, stored in the session as the sign-in does.
    Without it StaffSessionMiddleware signs the session out (tests/web/test_sign_in.py)."""

    def _login(self, user, backend=None):
        from samskab.core import accounts

        super()._login(user, backend)
        session = self.session
        accounts.session_mark_verified(session, accounts.totp_device_ensure(user))
        session.save()


@pytest.fixture
def client():
    return VerifiedClient()


@pytest.fixture
def admin_client(db, admin_user):
    client = VerifiedClient()
    client.force_login(admin_user)
    return client


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """The test client and the live server speak plain HTTP: production's HTTPS settings off
    (tests/web/test_production_settings.py checks them in a process of their own)."""
    with override_settings(SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False,
                           CSRF_COOKIE_SECURE=False, LANGUAGE_COOKIE_SECURE=False,
                           SECURE_HSTS_SECONDS=0, SECURE_PROXY_SSL_HEADER=None,
                           SAMSKAB_PROXY_COUNT=0):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def run_worker():
    """Run every queued background task now, as `samskab worker --batch` would.

    The worker closes database connections between tasks, so tests that use it must be
    `django_db(transaction=True)`: their data is committed, as in production."""
    from django.core.management import call_command

    def run() -> None:
        call_command("worker", batch=True, verbosity=0)

    return run


def pytest_collection_modifyitems(config, items):
    """Mark tests that touch no database `nodb`, so the PostgreSQL run can leave them out;
    run the `slow` ones first, so that the two test processes do not end on one of them
    while the other waits (the longest jobs first: the suite's tail is short ones)."""
    db_fixtures = {"db", "transactional_db", "django_db_reset_sequences",
                   "django_db_serialized_rollback", "live_server", "admin_client", "admin_user",
                   "django_user_model"}
    for item in items:
        if item.get_closest_marker("django_db") or db_fixtures & set(item.fixturenames):
            continue
        item.add_marker(pytest.mark.nodb)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The reference data a migration installs (grand challenges, OGP values, the role groups)
    for every test that uses the database. A transactional test's flush removes it, and the
    tests that run after one in the same process must not depend on the order."""
    if request.node.get_closest_marker("nodb"):
        return
    request.getfixturevalue("_django_db_helper")  # the database as the test asked for it
    from samskab.core import taxonomy
    from samskab.core.models import GrandChallenge

    if not GrandChallenge.objects.exists():
        taxonomy.ensure()


@pytest.fixture(autouse=True)
def _staff_writes_take_the_action_layer(request):
    """Every test that touches the database runs under the action guard (tests/action_guard.py):
    a staff model written outside core.actions.staff_action fails the test."""
    if request.node.get_closest_marker("nodb") or request.node.get_closest_marker(
            "allow_staff_writes"):
        yield None
        return
    from django.db import connections

    from action_guard import Guard

    guard = Guard()
    wrapped = []
    for alias in connections:
        connection = connections[alias]
        connection.execute_wrappers.append(guard)
        wrapped.append(connection)
    try:
        yield guard
    finally:
        for connection in wrapped:
            if guard in connection.execute_wrappers:
                connection.execute_wrappers.remove(guard)
    assert guard.violations == [], guard.violations
