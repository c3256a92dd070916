import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from factories import ConsultationFactory, receive
from samskab.consultations import services
from samskab.consultations.models import Attachment, Respondent, Response

pytestmark = pytest.mark.django_db


def test_references_are_numbered_per_consultation():
    consultation = ConsultationFactory(reference_prefix="OGP-2012")
    first = receive(consultation)
    second = receive(consultation)
    assert (first.reference, second.reference) == ("OGP-2012-0001", "OGP-2012-0002")
    assert first.created and second.created


def test_same_idempotency_key_gives_same_receipt_and_one_response():
    consultation = ConsultationFactory()
    first = receive(consultation, idempotency_key="abc123")
    again = receive(consultation, idempotency_key="abc123", text="A reload sends this again")
    assert again.reference == first.reference
    assert again.created is False
    assert Response.objects.count() == 1


def test_same_key_in_another_consultation_is_another_response():
    one, two = ConsultationFactory(), ConsultationFactory()
    first = receive(one, idempotency_key="k")
    assert first.reference != receive(two, idempotency_key="k").reference


def test_side_effects_wait_for_commit(django_capture_on_commit_callbacks):
    consultation = ConsultationFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        receive(consultation, receipt_to="aase@mail.example")
    assert len(callbacks) == 1


def test_rollback_leaves_nothing_behind(django_capture_on_commit_callbacks):
    consultation = ConsultationFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            receive(consultation, receipt_to="aase@mail.example",
                    attachments=[services.IncomingFile("a.txt", b"hej", "text/plain")])
            raise RuntimeError("the caller failed after receiving")
    assert callbacks == []
    assert Response.objects.count() == 0
    assert Respondent.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_web_response_after_deadline_is_refused():
    consultation = ConsultationFactory(closed=True)
    with pytest.raises(services.ReceiveError) as error:
        receive(consultation)
    assert error.value.code == "closed"
    assert Response.objects.count() == 0


def test_web_response_before_opening_is_refused():
    with pytest.raises(services.ReceiveError) as error:
        receive(ConsultationFactory(upcoming=True))
    assert error.value.code == "not_open"


def test_email_after_deadline_is_kept_and_flagged_late():
    consultation = ConsultationFactory(closed=True)
    receipt = receive(consultation, channel="email")
    assert receipt.late
    assert Response.objects.get().late


def test_received_at_decides_lateness_for_imports():
    consultation = ConsultationFactory(closed=True)
    in_time = receive(consultation, channel="import",
                      received_at=consultation.closes_at - timedelta(minutes=1))
    too_late = receive(consultation, channel="import",
                       received_at=consultation.closes_at + timedelta(seconds=1))
    assert (in_time.late, too_late.late) == (False, True)


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"text": "   \n "}, "empty", "text"),
        ({"text": "x" * 100_001}, "text_too_long", "text"),
        ({"respondent": services.RespondentData(email="ikke en adresse")}, "invalid_email",
         "email"),
        ({"respondent": services.RespondentData(kind="alien")}, "invalid_kind",
         "respondent_kind"),
        ({"attachments": [services.IncomingFile("virus.exe", b"MZ", "")]}, "attachment_type",
         "attachments"),
        ({"attachments": [services.IncomingFile(f"{i}.txt", b"x") for i in range(6)]},
         "too_many_attachments", "attachments"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(kwargs, code, field):
    consultation = ConsultationFactory()
    with pytest.raises(services.ReceiveError) as error:
        receive(consultation, **kwargs)
    assert (error.value.code, error.value.field_name) == (code, field)
    assert str(error.value.message)
    assert Response.objects.count() == 0


def test_attachment_over_the_limit_is_refused(settings):
    settings.SAMSKAB_MAX_ATTACHMENT_BYTES = 1024
    with pytest.raises(services.ReceiveError) as error:
        receive(ConsultationFactory(),
                attachments=[services.IncomingFile("stor.pdf", b"%PDF" + b"0" * 2000)])
    assert error.value.code == "attachment_too_large"


def test_attachment_is_kept_unchanged_with_its_checksum():
    data = "Bilag med æøå".encode()
    receive(ConsultationFactory(), attachments=[services.IncomingFile("bilag.txt", data)])
    attachment = Attachment.objects.get()
    with attachment.file.open("rb") as handle:
        assert handle.read() == data
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.size == len(data)


def test_text_only_attachment_without_text_is_accepted():
    receipt = receive(ConsultationFactory(), text="",
                      attachments=[services.IncomingFile("svar.txt", b"Vi foreslaar noget")])
    assert receipt.created


def test_text_is_normalised_to_nfc():
    receive(ConsultationFactory(), text="A\u030angstrom og ø\r\nny linje  ")
    assert Response.objects.get().text == "Ångstrom og ø\nny linje"


def test_naive_datetime_is_a_programming_error():
    with pytest.raises(ValueError, match="timezone-aware"):
        receive(ConsultationFactory(), channel="import",
                received_at=timezone.now().replace(tzinfo=None))


@pytest.mark.django_db(transaction=True)
def test_receipt_mail_is_sent_by_the_worker_in_the_senders_language(run_worker):
    consultation = ConsultationFactory(title_en="Open data", reference_prefix="OD")
    receive(consultation, language="en", receipt_to="aase@mail.example")
    assert mail.outbox == []  # nothing is sent inside the request
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aase@mail.example"]
    assert "OD-0001" in message.subject
    assert "Thank you for your response" in message.body
    assert message.extra_headers["Auto-Submitted"] == "auto-replied"


def test_a_consultation_is_published_before_it_opens():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationFactory(published_at=timezone.now(), opens_at=timezone.now() - timedelta(1))


def test_files_of_a_rolled_back_response_are_swept(settings):
    from samskab.consultations.housekeeping import attachment_files_sweep

    consultation = ConsultationFactory()
    receive(consultation, attachments=[services.IncomingFile("beholdt.txt", b"beholdt")])
    with pytest.raises(RuntimeError), transaction.atomic():
        receive(consultation, attachments=[services.IncomingFile("cpr.txt", b"070382-1235")])
        raise RuntimeError("the enclosing batch failed")
    orphans = attachment_files_sweep(older_than=timedelta(0))
    assert [path.rsplit("/", 1)[-1] for path in orphans] == [
        hashlib.sha256(b"070382-1235").hexdigest()]
    attachment_files_sweep(older_than=timedelta(0), apply=True)
    assert attachment_files_sweep(older_than=timedelta(0)) == []
    with Attachment.objects.get().file.open("rb") as kept:
        assert kept.read() == b"beholdt"


def test_a_failed_receive_deletes_the_files_it_wrote(settings):
    from pathlib import Path

    from django.db import IntegrityError

    consultation = ConsultationFactory(reference_prefix="F")
    receive(consultation)
    # A counter set back by hand makes the next reference collide inside the transaction.
    type(consultation).objects.filter(pk=consultation.pk).update(last_reference_number=0)
    with pytest.raises(IntegrityError):
        receive(consultation, attachments=[services.IncomingFile("a.txt", b"personlig")])
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []
    assert Response.objects.count() == 1


def test_same_file_twice_is_stored_once_and_both_rows_point_to_it():
    consultation = ConsultationFactory()
    for _ in range(2):
        receive(consultation, attachments=[services.IncomingFile("x.pdf", b"%PDF-1.4 same")])
    first, second = Attachment.objects.all()
    assert first.file.name == second.file.name


@pytest.mark.parametrize("kind", ["citizen", "ngo", "authority_municipality"])
def test_the_response_keeps_a_copy_of_its_respondents_kind(kind):
    """The inbox filters and sorts by the copy (an index on the response), so it must be the
    respondent's kind, with or without attachments."""
    consultation = ConsultationFactory()
    plain = receive(consultation, respondent=services.RespondentData(kind=kind))
    with_file = receive(consultation, respondent=services.RespondentData(kind=kind),
                        attachments=[services.IncomingFile("bilag.txt", b"Bilag", "text/plain")])
    for receipt in (plain, with_file):
        response = Response.objects.select_related("respondent").get(pk=receipt.response_id)
        assert response.respondent.kind == kind
        assert response.respondent_kind == kind
