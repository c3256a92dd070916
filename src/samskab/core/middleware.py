"""Request-wide middleware of core: request ids for the logs, and the staff session's rules."""

import re
import time
import uuid

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from samskab.core import accounts
from samskab.core.logs import request_id_var

# A proxy's request id is taken over when it looks like one (no spaces, no control characters).
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (the proxy's X-Request-ID when sane, else a new one), puts it
    on every log line written while the request runs and answers it in X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response.headers["X-Request-ID"] = request_id
        return response


# Paths whose pages may show personal data to staff: never cached, whoever asks.
_STAFF_PATHS = ("/medarbejder/", "/admin/")
# The session is touched (and the device re-checked) at most this often.
_TOUCH_SECONDS = 60


class StaffSessionMiddleware:
    """The staff session's rules, after AuthenticationMiddleware:

    - a signed-in session counts only when it passed the second factor (accounts.login_complete
      stored the TOTP device); any other session is signed out (defence in depth: the sign-in
      views never log in without the code, but an admin or library path might);
    - a session idle longer than SAMSKAB_STAFF_IDLE_MINUTES is signed out;
    - every page shown to a signed-in user, and every staff page, is `Cache-Control: no-store`.
    The device is re-read from the database at most once a minute, so a removed device ends the
    session within a minute without costing a query on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        if signed_in:
            ended = self._check(request)
            if ended is not None:
                return ended
        response = self.get_response(request)
        if signed_in or request.path.startswith(_STAFF_PATHS):
            patch_cache_control(response, no_store=True, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response

    def _check(self, request):
        session = request.session
        now = time.time()
        device_id = session.get(accounts.DEVICE_SESSION_KEY)
        seen = session.get(accounts.SEEN_SESSION_KEY)
        idle = settings.SAMSKAB_STAFF_IDLE_MINUTES * 60
        if not device_id:
            return self._sign_out(request, None)
        if seen is None or now - seen > idle:
            return self._sign_out(request, _("Du er logget ud, fordi du ikke har været aktiv i "
                                             "et stykke tid. Log ind igen."))
        if now - seen > _TOUCH_SECONDS:
            if not accounts.device_is_valid(user=request.user, persistent_id=device_id):
                return self._sign_out(request, None)
            session[accounts.SEEN_SESSION_KEY] = now
        return None

    def _sign_out(self, request, message):
        path = request.get_full_path()
        auth.logout(request)
        request.user = AnonymousUser()
        if message:
            messages.info(request, message)
        if not request.path.startswith(_STAFF_PATHS):
            return None  # a public page: shown as to anyone else
        if request.method in ("GET", "HEAD"):
            return redirect_to_login(path)
        return redirect_to_login("/medarbejder/")
