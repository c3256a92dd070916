"""Staff sign-in pages: password, then a code from an authenticator app (or setting one up),
and password reset by e-mail. The rules live in samskab.core.accounts."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from samskab.core import accounts
from samskab.core.tasks import password_reset_send
from samskab.web.forms import CodeForm


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


# Each role's own start page, first that the user may open: moderators and analysts work in
# the workspace, plan editors in the plans, agency officers in the implementation pages.
START_PAGES = (("workspace.view_workspace", "staff:home"),
               ("plans.change_actionplan", "plans:home"),
               ("tracking.view_dashboard", "tracking:home"),
               ("plans.view_actionplan", "plans:home"))


def start_page(user) -> str:
    """Where a signed-in user lands when no page was asked for."""
    for permission, name in START_PAGES:
        if user.has_perm(permission):
            return reverse(name)
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class PasswordStepView(auth_views.LoginView):
    """Step 1: username and password (django-axes counts failures and locks the client out
    before hashing). Passing it signs nobody in; it leads to the code."""

    template_name = "registration/login.html"

    def form_valid(self, form):
        accounts.password_step_passed(self.request, form.get_user())
        return redirect(_with_next("login_code", self.get_success_url()))


def _code_page(request, *, enrol: bool):
    pending = accounts.pending_login(request)
    next_url = _next_url(request)
    if pending is None:
        messages.info(request, _("Log ind med brugernavn og adgangskode først."))
        return redirect(_with_next("login", next_url))
    if enrol and pending.device is not None:
        return redirect(_with_next("login_code", next_url))
    if not enrol and pending.device is None:
        return redirect(_with_next("login_enrol", next_url))
    device = pending.device or accounts.enrolment_device(pending.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            accepted = accounts.code_accepted(device, form.cleaned_data["code"])
            if accepted:
                accounts.login_complete(request, pending, device)
        if accepted:
            if next_url == reverse(settings.LOGIN_REDIRECT_URL):
                next_url = start_page(pending.user)
            return redirect(next_url)
        form.add_error("code", _("Koden passer ikke. Brug den kode, appen viser nu. Efter flere "
                                 "forkerte koder skal du vente lidt, før du prøver igen."))
    context = {"form": form, "next": next_url, "enrol": enrol}
    if enrol:
        uri = device.config_url
        context.update(qr_svg=segno.make(uri, error="m").svg_inline(scale=5, omitsize=False),
                       secret=accounts.device_secret(device))
    return render(request, "registration/login_code.html", context)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_code(request):
    """Step 2: the code from the user's authenticator app."""
    return _code_page(request, enrol=False)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_enrol(request):
    """Step 2 for a user without a device: scan the key (or type it) and confirm with a code."""
    return _code_page(request, enrol=True)


class StaffPasswordResetForm(auth_forms.PasswordResetForm):
    """Queues the reset mail for the worker instead of sending it while the visitor waits, so
    the answer looks and takes the same whether or not the address has an account."""

    def save(self, **kwargs):
        language = get_language() or settings.LANGUAGE_CODE
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(
                lambda pk=user.pk: password_reset_send.enqueue(user_id=pk, language=language))


class PasswordResetView(auth_views.PasswordResetView):
    form_class = StaffPasswordResetForm
    template_name = "registration/password_reset.html"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_new.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
