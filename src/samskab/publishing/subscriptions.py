"""E-mail subscriptions to the public process, without an account.

Double opt-in: asking creates a pending subscription and mails a confirmation link; nothing is
sent until the link is used. Every mail carries a one-click unsubscribe (RFC 8058). Asking
again for the same subscription answers the same way whether or not it exists, so the form
tells nobody which addresses subscribe."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samskab.consultations.models import Consultation
from samskab.core.errors import DomainError
from samskab.publishing.models import Subscription, SubscriptionDelivery, SubscriptionTopic

# A confirmation mail is sent at most this often for one subscription (the form can be
# submitted by anyone for any address: it must not become a way to flood an inbox).
RESEND_AFTER = timedelta(minutes=10)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def subscription_request(*, email: str, topic: str = SubscriptionTopic.CONSULTATIONS,
                         authority: str = "", theme: str = "", language: str = "da",
                         plan_slug: str = "") -> Subscription:
    """Ask for a subscription; the confirmation mail is sent after commit (when due).
    `topic=plan_progress` with `plan_slug` of a public plan subscribes to its progress."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise DomainError("invalid_email", _("Skriv en gyldig e-mailadresse."), "email"
                          ) from error
    if topic not in SubscriptionTopic.values:
        raise DomainError("invalid_topic", _("Vælg hvad du vil abonnere på."), "topic")
    authority = " ".join(authority.split())[:200]
    theme = theme.strip()[:80]
    language = language if language in {"da", "en"} else "da"
    plan = None
    if topic == SubscriptionTopic.PLAN_PROGRESS:
        from samskab.plans.models import ActionPlan

        plan = ActionPlan.objects.public().filter(slug=plan_slug).first()
        if plan is None:
            raise DomainError("unknown_plan", _("Handlingsplanen findes ikke."), "plan")
        authority = theme = ""
    key = {"topic": topic, "authority": authority, "theme": theme, "plan": plan}
    with transaction.atomic():
        subscription = (Subscription.objects.select_for_update()
                        .filter(email__iexact=email, **key).first())
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        email=email, language=language, token=secrets.token_urlsafe(32),
                        **key)
            except IntegrityError:  # the same request at the same moment
                subscription = Subscription.objects.get(email=email, **key)
        if subscription.active:
            return subscription
        if subscription.unsubscribed_at is not None:  # subscribing again after leaving
            subscription.unsubscribed_at = None
            subscription.confirmed_at = None
            subscription.save(update_fields=["unsubscribed_at", "confirmed_at"])
        now = timezone.now()
        sent = subscription.confirmation_sent_at
        if sent is None or now - sent >= RESEND_AFTER:
            subscription.confirmation_sent_at = now
            subscription.save(update_fields=["confirmation_sent_at"])
            from samskab.publishing.tasks import subscription_confirmation_send

            transaction.on_commit(
                lambda: subscription_confirmation_send.enqueue(subscription.pk))
    return subscription


def subscription_by_token(token: str) -> Subscription | None:
    if not token or len(token) > 64:
        return None
    return Subscription.objects.filter(token=token).first()


def subscription_confirm(*, token: str) -> Subscription:
    subscription = subscription_by_token(token)
    if subscription is None or subscription.unsubscribed_at is not None:
        raise DomainError("unknown_subscription", _("Linket er ikke gyldigt længere."))
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def subscription_cancel(*, token: str) -> Subscription:
    """Unsubscribe (idempotent). The address is kept only as a tombstone of the choice."""
    subscription = subscription_by_token(token)
    if subscription is None:
        raise DomainError("unknown_subscription", _("Linket er ikke gyldigt længere."))
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription


def _links(subscription: Subscription) -> dict[str, str]:
    return {
        "confirm_url": _absolute(reverse("opendata:subscription_confirm",
                                         args=[subscription.token])),
        "unsubscribe_url": _absolute(reverse("opendata:subscription_cancel",
                                             args=[subscription.token])),
    }


def _mail(subscription: Subscription, template: str, context: dict) -> EmailMessage:
    links = _links(subscription)
    with translation.override(subscription.language):
        context = {**context, **links, "subscription": subscription,
                   "site_url": settings.SITE_URL}
        subject = render_to_string(f"publishing/mail/{template}_subject.txt", context).strip()
        body = render_to_string(f"publishing/mail/{template}_body.txt", context)
    headers = {
        "Auto-Submitted": "auto-generated",
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return EmailMessage(subject=subject, body=body, to=[subscription.email], headers=headers)


def confirmation_mail(subscription: Subscription) -> EmailMessage:
    return _mail(subscription, "subscription_confirm", {})


def plan_progress_notify(*, now=None) -> int:
    """Mail each active subscriber of a plan's progress about progress reported since they
    confirmed (the last 30 days), once per subscriber and update (as `subscriptions_notify`).
    Reads plans through `tracking_selectors` (out of drafting); who reported is not sent."""
    from samskab.publishing import tracking_selectors as plans_read
    from samskab.publishing.selectors import public_text
    from samskab.tracking.models import ProgressUpdate

    now = now or timezone.now()
    sent = 0
    updates = (ProgressUpdate.objects
               .filter(milestone__commitment__plan__in=plans_read.public_plans(),
                       created_at__gt=now - timedelta(days=30))
               .select_related("milestone__commitment__plan").order_by("created_at", "id"))
    for update in updates:
        key = f"progress:{update.pk}"
        commitment = update.milestone.commitment
        for subscription in Subscription.objects.filter(
                topic=SubscriptionTopic.PLAN_PROGRESS, plan=commitment.plan,
                confirmed_at__isnull=False, confirmed_at__lte=update.created_at,
                unsubscribed_at__isnull=True).exclude(deliveries__item_key=key).iterator():
            with transaction.atomic():
                _delivery, created = SubscriptionDelivery.objects.get_or_create(
                    subscription=subscription, item_key=key)
                if not created:
                    continue
                message = _mail(subscription, "subscription_progress", {
                    "plan_title": public_text(commitment.plan.title_da),
                    "commitment": public_text(f"{commitment.identifier} "
                                              f"{commitment.title_da}"),
                    "milestone": public_text(update.milestone.title_da),
                    "status": update.get_status_display(), "note": public_text(update.note),
                    "reported_on": update.reported_on,
                    "commitment_url": _absolute(reverse("tracking_public:commitment",
                                                        args=[commitment.pk]))})
                transaction.on_commit(message.send)
                sent += 1
    return sent


def _matching(consultation: Consultation):
    themes = list(consultation.themes.values_list("slug", flat=True))
    return (Subscription.objects.filter(
        topic=SubscriptionTopic.CONSULTATIONS, confirmed_at__isnull=False,
        unsubscribed_at__isnull=True)
        .filter(Q(authority="") | Q(authority__iexact=consultation.authority))
        .filter(Q(theme="") | Q(theme__in=themes)))


def subscriptions_notify(*, now=None) -> int:
    """Mail each active subscriber about consultations published since they confirmed.

    Exactly once per subscriber and consultation: the delivery row is written in the same
    transaction before the mail leaves, and its unique key refuses a second one (a crash after
    the insert and before sending loses at most that one mail; it never doubles)."""
    now = now or timezone.now()
    sent = 0
    for consultation in Consultation.objects.published().filter(
            published_at__gt=now - timedelta(days=30)).order_by("published_at", "id"):
        key = f"consultation:{consultation.pk}"
        for subscription in _matching(consultation).filter(
                confirmed_at__lte=consultation.published_at
        ).exclude(deliveries__item_key=key).iterator():
            with transaction.atomic():
                _delivery, created = SubscriptionDelivery.objects.get_or_create(
                    subscription=subscription, item_key=key)
                if not created:
                    continue
                message = _mail(subscription, "subscription_consultation",
                                {"consultation": consultation,
                                 "consultation_url": _absolute(reverse(
                                     "consultations:detail", args=[consultation.slug]))})
                transaction.on_commit(message.send)
                sent += 1
    return sent
