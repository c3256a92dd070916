"""Consultations and what comes with them; responses only through the one door in."""

import hashlib
from datetime import timedelta
from email.message import EmailMessage

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from samskab.consultations import services
from samskab.consultations.models import (
    Attachment,
    Channel,
    Consultation,
    ConsultationDocument,
    ExtractionStatus,
    InvitedParty,
    ProcessStep,
    ProcessStepKind,
    RawStatus,
    RawSubmission,
    Respondent,
    RespondentKind,
    Response,
    Theme,
)

from .base import ACTOR, ServiceFactory


class ConsultationFactory(factory.django.DjangoModelFactory):
    """An open consultation (`closed=True`, `upcoming=True` for the others). Staff set
    consultations up in the admin; there is no service of their own."""

    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"hoering-{n}")
    title_da = factory.Sequence(lambda n: f"Høring nummer {n} om åbne data")
    title_en = factory.Sequence(lambda n: f"Consultation number {n} on open data")
    summary_da = "Vi vil gerne høre dine idéer til åben forvaltning."
    body_da = "Høringsbrevet: send os dine forslag."
    authority = "Digitaliseringsstyrelsen"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    published_at = factory.LazyAttribute(lambda o: o.opens_at - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=25))
    contact_email = "ogp@digst.example"
    intake_email = factory.Sequence(lambda n: f"hoering-{n}@digst.example")
    subject_tag = "OGP-høring"
    reference_prefix = factory.Sequence(lambda n: f"H{n}")

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=40)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=2)),
        )
        upcoming = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=5)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=30)),
        )


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    consultation = factory.SubFactory(ConsultationFactory)
    slug = factory.Sequence(lambda n: f"tema-{n}")
    title_da = "Sundhed"
    title_en = "Health"
    keywords = factory.LazyFunction(lambda: ["telemedicin", "sundhed"])


class ProcessStepFactory(factory.django.DjangoModelFactory):
    """A step of the published timeline; untitled, so the kind names it."""

    class Meta:
        model = ProcessStep

    consultation = factory.SubFactory(ConsultationFactory)
    kind = ProcessStepKind.NOTAT
    date = factory.LazyAttribute(lambda o: timezone.localtime(o.consultation.closes_at).date()
                                 + timedelta(days=30))


class ConsultationDocumentFactory(factory.django.DjangoModelFactory):
    """A document of the call, by link (`file=...` for an uploaded one)."""

    class Meta:
        model = ConsultationDocument

    consultation = factory.SubFactory(ConsultationFactory)
    title_da = "Høringsbrev"
    title_en = "Consultation letter"
    url = "https://digst.example/hoeringsbrev.pdf"


class InvitedPartyFactory(ServiceFactory):
    """A party on the høringsliste, through `workspace.services.invited_party_add` (which also
    finds or creates the organisation behind it)."""

    class Meta:
        model = InvitedParty

    consultation = factory.SubFactory(ConsultationFactory)
    name = factory.Sequence(lambda n: f"Foreningen for Åbenhed {n}")
    kind = RespondentKind.NGO
    email = ""
    email_domain = ""

    @classmethod
    def _create(cls, model_class, actor=ACTOR, **kwargs):
        from samskab.workspace import services as workspace

        return workspace.invited_party_add(actor=actor, **kwargs)


class RespondentFactory(factory.django.DjangoModelFactory):
    """A sender on their own; a response's sender comes with `ResponseFactory`."""

    class Meta:
        model = Respondent

    kind = RespondentKind.CITIZEN
    name = "Søren Østergaard"
    email = "soeren@mail.example"


def receive(consultation, text="Vi foreslår åbne data om alle kommunale budgetter.", **kwargs):
    """Receive a response through the one door in, with sensible defaults; the receipt."""
    kwargs.setdefault("channel", "web")
    kwargs.setdefault(
        "respondent",
        services.RespondentData(kind="citizen", name="Åse Bæk", email="aase@mail.example"),
    )
    return services.response_receive(consultation=consultation, text=text, **kwargs)


class ResponseFactory(ServiceFactory):
    """A response received through `consultations.services.response_receive`: by web form
    while the consultation is open, by e-mail after (the form refuses late answers). Any
    other argument of `response_receive` may be given (`respondent`, `received_at`, …)."""

    class Meta:
        model = Response

    consultation = factory.SubFactory(ConsultationFactory)
    text = "Vi foreslår åbne data om alle kommunale budgetter."
    channel = factory.LazyAttribute(
        lambda o: Channel.WEB if o.consultation.is_open else Channel.EMAIL)
    respondent = factory.LazyFunction(lambda: services.RespondentData(
        kind=RespondentKind.CITIZEN, name="Åse Bæk", email="aase@mail.example"))

    @classmethod
    def _create(cls, model_class, **kwargs):
        receipt = services.response_receive(**kwargs)
        return model_class.objects.select_related("consultation", "respondent").get(
            pk=receipt.response_id)


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A text file that came with a response, its text already extracted (the extraction
    task's work); stored content-addressed like the intake stores it."""

    class Meta:
        model = Attachment

    class Params:
        data = factory.LazyAttribute(lambda o: (o.extracted_text or "Bilag.").encode())

    response = factory.SubFactory(ResponseFactory)
    original_name = "bilag.txt"
    mime_type = "text/plain"
    extracted_text = "Bilag: vi foreslår, at alle ministeriers udgifter offentliggøres."
    extraction_status = ExtractionStatus.OK
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.data).hexdigest())
    size = factory.LazyAttribute(lambda o: len(o.data))
    file = factory.LazyAttribute(lambda o: ContentFile(o.data, name=o.original_name))


def _mail(o) -> bytes:
    message = EmailMessage()
    message["From"] = "Søren Østergaard <soeren@mail.example>"
    message["To"] = "hoering@digst.example"
    message["Subject"] = o.subject
    message["Message-ID"] = f"<{o.source_key}>"
    message["Date"] = "Mon, 02 Apr 2012 10:00:00 +0200"
    message.set_content("Hej, vi har et forslag om åbne data.\n\nVenlig hilsen\nSøren")
    return message.as_bytes()


class RawSubmissionFactory(factory.django.DjangoModelFactory):
    """An e-mail as the intake stored it before parsing (the intake writes these, as
    `mail_ingest` does, outside any staff action). Default: quarantined;
    `status=RawStatus.UNROUTED` for mail no consultation claims."""

    class Meta:
        model = RawSubmission

    class Params:
        subject = "Høringssvar"

    channel = Channel.EMAIL
    source_key = factory.Sequence(lambda n: f"svar-{n}@mail.example")
    raw = factory.LazyAttribute(_mail)
    content_hash = factory.LazyAttribute(lambda o: hashlib.sha256(o.raw).hexdigest())
    status = RawStatus.QUARANTINED
    reason = factory.LazyAttribute(
        lambda o: "" if o.status == RawStatus.ACCEPTED else "Kunne ikke læses.")
    consultation = factory.Maybe(  # mail no consultation claims has none
        factory.LazyAttribute(lambda o: o.status != RawStatus.UNROUTED),
        yes_declaration=factory.SubFactory(ConsultationFactory), no_declaration=None)

