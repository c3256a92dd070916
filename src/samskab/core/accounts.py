"""Staff accounts: two-step sign-in (password, then a TOTP code), enrolment, client addresses.

Sign-in is two steps and the session is not signed in between them: `password_step_passed`
remembers who gave the right password (for LOGIN_STEP_SECONDS), and only
`login_complete`, after a valid code from a confirmed device, calls Django's `login()`.
`StaffSessionMiddleware` signs out any session without the device this stores, however it
was made. Every staff role sees personal data, so every account signs in this way.
"""

import base64
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_SESSION_KEY = DEVICE_ID_SESSION_KEY
SEEN_SESSION_KEY = "samskab_seen_at"
_PENDING_KEY = "samskab_pending_login"
# Time allowed between the password and the code.
LOGIN_STEP_SECONDS = 300
DEVICE_NAME = "Godkendelsesapp"


def client_ip(request: HttpRequest) -> str:
    """The client's address: the peer's, or the one the SAMSKAB_PROXY_COUNT-th proxy from us
    saw (X-Forwarded-For is read from the right, so a client cannot put an address of its own
    choosing where we look)."""
    proxies = settings.SAMSKAB_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if part.strip()]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return forwarded[0] if forwarded else remote


@dataclass(frozen=True)
class PendingLogin:
    user: object
    backend: str
    device: TOTPDevice | None  # the confirmed device, None when the user must enrol one


def password_step_passed(request: HttpRequest, user) -> None:
    """Remember that `user` gave the right password in this session (not signed in yet)."""
    request.session.cycle_key()
    request.session[_PENDING_KEY] = {
        "user": user.pk, "backend": user.backend, "at": time.time(),
    }


def pending_login(request: HttpRequest) -> PendingLogin | None:
    """The user half-way through signing in here, or None (none, expired or deactivated)."""
    pending = request.session.get(_PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > LOGIN_STEP_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        return None
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    return PendingLogin(user=user, backend=pending["backend"], device=device)


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device a user is setting up (the same one until confirmed, so reloading
    the page does not change the key to scan)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def device_secret(device: TOTPDevice) -> str:
    """The device's key in base32, as authenticator apps take it when typed in."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def code_accepted(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is valid for `device` now. django-otp throttles failures per device
    (doubling delays) and refuses a code already used."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == device.digits):
        return False
    return bool(device.verify_token(code))


def login_complete(request: HttpRequest, pending: PendingLogin, device: TOTPDevice) -> None:
    """Sign the user in: Django's login, then the verified device and the activity clock."""
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=pending.user, confirmed=False).delete()
    request.session.pop(_PENDING_KEY, None)
    auth.login(request, pending.user, backend=pending.backend)
    otp_login(request, device)
    request.session[SEEN_SESSION_KEY] = time.time()


def device_is_valid(*, user, persistent_id: str) -> bool:
    """Whether the device a session was verified with still exists, confirmed, for `user`."""
    device = TOTPDevice.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and device.confirmed


def totp_device_ensure(user) -> TOTPDevice:
    """A confirmed TOTP device for `user` (the existing one, else a new one): for the demo's
    staff login and for tests. Staff enrol their own on first sign-in."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    return device


def session_mark_verified(session, device: TOTPDevice) -> None:
    """Store in a session that its user passed the second factor with `device` (what
    login_complete stores). For sessions made outside a request (tests' force_login)."""
    session[DEVICE_SESSION_KEY] = device.persistent_id
    session[SEEN_SESSION_KEY] = time.time()
