"""Background work of core (run by `samskab worker`)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


@task()
def password_reset_send(user_id: int, language: str) -> None:
    """Mail `user_id` a link to choose a new password.

    Sent by the worker, not in the request, so the reset page answers in the same time whether
    or not the address belongs to an account. The link is made here: no token is queued."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    with translation.override(language if language in {"da", "en"} else "da"):
        context = {"user": user, "link": f"{settings.SITE_URL.rstrip('/')}{path}",
                   "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
        subject = render_to_string("core/mail/password_reset_subject.txt", context).strip()
        body = render_to_string("core/mail/password_reset_body.txt", context)
    EmailMessage(subject=subject, body=body, to=[user.email],
                 headers={"Auto-Submitted": "auto-generated"}).send()
