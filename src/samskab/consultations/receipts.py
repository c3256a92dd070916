"""Receipts: the reference number a respondent keeps, on screen and by e-mail."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from samskab.consultations.models import Response

_SALT = "samskab.receipt"


def receipt_token(reference: str) -> str:
    """An unguessable token for the receipt page, so references cannot be enumerated.

    Deterministic (no timestamp): the same response always has the same receipt address, so
    a double submit lands on the same page."""
    return signing.Signer(salt=_SALT).sign(reference)


def reference_from_token(token: str) -> str | None:
    try:
        return signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature:
        return None


def receipt_mail(response: Response, address: str) -> EmailMessage:
    language = response.language if response.language in {"da", "en"} else "da"
    consultation = response.consultation
    with translation.override(language):
        context = {"response": response, "consultation": consultation,
                   "site_url": settings.SITE_URL}
        subject = render_to_string("consultations/mail/receipt_subject.txt", context).strip()
        body = render_to_string("consultations/mail/receipt_body.txt", context)
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    reply_to = [consultation.contact_email] if consultation.contact_email else None
    return EmailMessage(
        subject=subject, body=body, to=[address], headers=headers, reply_to=reply_to,
    )
