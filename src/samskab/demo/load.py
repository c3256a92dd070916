"""Install the demo idempotently: consultations, taxonomy links, responses, staff login."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from samskab.consultations import services
from samskab.consultations.models import (
    Consultation,
    InvitedParty,
    ProcessStep,
    Response,
    Theme,
)
from samskab.core import roles, taxonomy
from samskab.core.actions import SystemActor
from samskab.core.models import GrandChallenge, OgpValue, Organisation, OrganisationKind
from samskab.core.services import organisation_save
from samskab.demo import content
from samskab.demo.responses import CLOSES, CPH, OPENS, demo_responses

DEMO_USERNAME = "demo"


@dataclass
class DemoSummary:
    consultations: int
    responses_created: int
    responses_total: int
    username: str
    password: str


def _organisations() -> dict[str, Organisation]:
    """The demo's organisations: the consulting authority and every party on the 2012
    høringsliste, with their e-mail domains. Created once, through the organisation service
    (audited, as the demo); a later load leaves them as they are."""
    wanted = [(content.AUTHORITY, OrganisationKind.AUTHORITY_STATE, content.AUTHORITY_SHORT,
               [content.AUTHORITY_DOMAIN])]
    wanted += [(name, kind, "", [domain]) for name, kind, domain in content.INVITED_2012]
    found = {o.name: o for o in Organisation.objects.filter(name__in=[w[0] for w in wanted])}
    for name, kind, short_name, domains in wanted:
        if name not in found:
            found[name] = organisation_save(actor=SystemActor("demo"), name=name, kind=kind,
                                            short_name=short_name, domains=domains)
    return found


def _consultation(data: dict, **dates) -> Consultation:
    fields = {k: v for k, v in data.items() if k != "slug"}
    authority = Organisation.objects.get(name=content.AUTHORITY)
    consultation, _ = Consultation.objects.update_or_create(
        slug=data["slug"], defaults={**fields, **dates, "authority_organisation": authority}
    )
    consultation.grand_challenges.set(GrandChallenge.objects.all())
    consultation.ogp_values.set(OgpValue.objects.all())
    return consultation


def _ogp_2012() -> Consultation:
    consultation = _consultation(
        content.OGP_2012, published_at=OPENS, opens_at=OPENS, closes_at=CLOSES,
    )
    consultation.focus_challenges.set(GrandChallenge.objects.filter(code__in=["GC1", "GC3"]))
    for position, (slug, da, en, desc, keywords) in enumerate(content.THEMES_2012):
        Theme.objects.update_or_create(
            consultation=consultation, slug=slug,
            defaults={"title_da": da, "title_en": en, "description_da": desc,
                      "keywords": keywords, "position": position},
        )
    for kind, day, da, en, desc_da, desc_en in content.STEPS_2012:
        ProcessStep.objects.update_or_create(
            consultation=consultation, kind=kind,
            defaults={"date": date.fromisoformat(day), "title_da": da, "title_en": en,
                      "description_da": desc_da, "description_en": desc_en},
        )
    organisations = _organisations()
    for name, kind, domain in content.INVITED_2012:
        InvitedParty.objects.update_or_create(
            consultation=consultation, name=name,
            defaults={"kind": kind, "email_domain": domain, "email": f"post@{domain}",
                      "organisation": organisations[name]},
        )
    return consultation


def _open_now() -> Consultation:
    # Re-dated on every load so the demo always has an open consultation to try.
    today = timezone.localdate()
    opens = datetime.combine(today - timedelta(days=7), datetime.min.time(), tzinfo=CPH)
    closes = opens + timedelta(days=42)
    consultation = _consultation(
        content.NEXT_PLAN, published_at=opens - timedelta(days=14), opens_at=opens,
        closes_at=closes,
    )
    steps = [("call_published", opens.date() - timedelta(days=14)), ("opens", opens.date()),
             ("deadline", closes.date() - timedelta(days=1)),
             ("notat", closes.date() + timedelta(days=21)),
             ("draft_plan", closes.date() + timedelta(days=35)),
             ("adoption", closes.date() + timedelta(days=60))]
    for kind, day in steps:
        ProcessStep.objects.update_or_create(
            consultation=consultation, kind=kind, defaults={"date": day},
        )
    return consultation


def _upcoming() -> Consultation:
    today = timezone.localdate()
    opens = datetime.combine(today + timedelta(days=30), datetime.min.time(), tzinfo=CPH)
    return _consultation(
        content.UPCOMING, published_at=opens - timedelta(days=45), opens_at=opens,
        closes_at=opens + timedelta(days=14),
    )


def _responses(consultation: Consultation) -> int:
    created = 0
    for item in demo_responses():
        receipt = services.response_receive(
            consultation=consultation,
            text=item.text,
            channel=item.channel,
            respondent=services.RespondentData(
                kind=item.kind, name=item.name, organisation=item.organisation,
                email=item.email,
            ),
            received_at=item.received_at,
            language=item.language,
            consent_publish_name=item.consent_publish_name,
            consent_publish_response=item.consent_publish_response,
            idempotency_key=f"demo-{item.key}",
            attachments=[
                services.IncomingFile(a.name, a.data, a.mime_type) for a in item.attachments
            ],
            source={"demo": True, "campaign": item.campaign} if item.campaign else {"demo": True},
        )
        created += receipt.created
    return created


def _staff_login() -> tuple[str, str]:
    """The demo administrator; its password is generated once and kept in var/."""
    path = settings.VAR_DIR / "demo-login.txt"
    User = get_user_model()
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is not None and path.exists():
        return DEMO_USERNAME, path.read_text().strip()
    password = secrets.token_urlsafe(12)
    if user is None:
        user = User(username=DEMO_USERNAME, email="demo@digst.example", is_staff=True,
                    is_superuser=True, first_name="Demo", last_name="Medarbejder")
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return DEMO_USERNAME, password


def demo_load() -> DemoSummary:
    """Install or refresh the demo. Idempotent: a second run creates no new responses."""
    taxonomy.ensure()
    with transaction.atomic():
        _organisations()
        ogp = _ogp_2012()
        _open_now()
        _upcoming()
    created = _responses(ogp)
    username, password = _staff_login()
    return DemoSummary(
        consultations=Consultation.objects.count(),
        responses_created=created,
        responses_total=Response.objects.filter(consultation=ogp).count(),
        username=username,
        password=password,
    )


__all__ = ["DemoSummary", "demo_load"]
