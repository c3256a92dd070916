"""Signing in as staff in tests: the real two steps, with a code computed from a real device."""

import time
from concurrent.futures import ThreadPoolExecutor

from django_otp.oath import TOTP


def current_code(user) -> str:
    """The code the user's authenticator app would show now (a confirmed device is made if the
    user has none). A code is accepted once, so the next time step's is used when this one
    was spent already (the device accepts one step of drift)."""
    from samskab.core.accounts import totp_device_ensure

    device = totp_device_ensure(user)
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if device.last_t >= totp.t():
        totp.drift += 1
    return f"{totp.token():0{device.digits}d}"


def sign_in_with_browser(page, user, password: str) -> None:
    """On the login page: password, then the code (the page must show the login form). The
    user's device is made first, so the sign-in asks for a code rather than for enrolment."""
    # Playwright runs an event loop in this thread; the ORM is asked from a plain thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        code = pool.submit(_code_in_thread, user).result()
    page.get_by_label("Brugernavn").fill(user.get_username())
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.get_by_label("Engangskode").fill(code)
    page.get_by_role("button", name="Log ind").click()


def _code_in_thread(user) -> str:
    from django.db import connection

    try:
        return current_code(user)
    finally:
        connection.close()
