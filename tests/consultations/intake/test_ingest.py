"""E-mail into consultations end to end: sources → mail_ingest → response_receive."""

import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from factories import ConsultationFactory
from samskab.consultations.intake.mail import mail_ingest, raw_submission_retry
from samskab.consultations.models import (
    Channel,
    InvitedParty,
    RawStatus,
    RawSubmission,
    Response,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mail"

pytestmark = pytest.mark.django_db

MESSAGE = (
    "From: =?iso-8859-1?Q?S=F8ren_=C6bel=F8?= <soeren@mail.example>\r\n"
    "To: hoering@digst.example\r\n"
    "Subject: Sv: OGP-HØRING\r\n"
    "Message-ID: <{mid}@mail.example>\r\n"
    "Date: Tue, 21 Feb 2012 14:03:00 +0100\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n"
    "Vi foreslår åbne data om kommunernes budgetter.\r\n\r\n"
    "Venlig hilsen\r\nSøren\r\n"
)


def message(mid: str = "m1", **replace: str) -> bytes:
    text = MESSAGE.format(mid=mid)
    for old, new in replace.items():
        text = text.replace(old, new)
    return text.encode()


@pytest.fixture
def consultation():
    return ConsultationFactory(slug="ogp", intake_email="hoering@digst.example",
                               subject_tag="OGP-høring", reference_prefix="OGP")


def test_message_is_received_with_sender_text_and_raw_kept(consultation):
    result = mail_ingest(raw=message())
    assert (result.status, result.reference) == ("accepted", "OGP-0001")
    response = Response.objects.get()
    assert response.channel == Channel.EMAIL
    assert response.text.startswith("Vi foreslår åbne data")
    assert response.respondent.name == "Søren Æbelø"
    assert response.respondent.email == "soeren@mail.example"
    raw = RawSubmission.objects.get()
    assert bytes(raw.raw) == message()
    assert raw.response == response and raw.status == RawStatus.ACCEPTED


def test_same_message_twice_is_a_duplicate_with_the_first_reference(consultation):
    first = mail_ingest(raw=message())
    again = mail_ingest(raw=message().replace(b"\r\n", b"\n"))  # as read from an mbox
    assert (again.status, again.reference) == ("duplicate", first.reference)
    assert Response.objects.count() == 1


def test_without_message_id_the_content_hash_deduplicates(consultation):
    raw = message().replace(b"Message-ID: <m1@mail.example>\r\n", b"")
    first, again = mail_ingest(raw=raw), mail_ingest(raw=raw)
    assert first.message_id.startswith("sha256:")
    assert (again.status, again.reference) == ("duplicate", first.reference)


def test_subject_tag_routes_when_the_address_does_not(consultation):
    ConsultationFactory(slug="andet", intake_email="andet@digst.example", subject_tag="Andet")
    result = mail_ingest(raw=message(**{"hoering@digst.example": "post@digst.example",
                                        "Sv: OGP-HØRING": "SV: Fwd: ogp-hoering"}))
    assert result.status == "accepted"
    assert Response.objects.get().consultation == consultation


def test_unmatched_message_is_kept_unrouted_and_staff_can_place_it(consultation, admin_user):
    raw = message(**{"hoering@digst.example": "post@digst.example",
                     "Sv: OGP-HØRING": "Spørgsmål"})
    result = mail_ingest(raw=raw)
    assert result.status == "unrouted"
    stored = RawSubmission.objects.get()
    assert stored.status == RawStatus.UNROUTED and bytes(stored.raw) == raw
    retried = raw_submission_retry(submission=stored, actor=admin_user,
                                   consultation=consultation)
    assert retried.status == "accepted"
    stored.refresh_from_db()
    assert stored.status == RawStatus.ACCEPTED and stored.response is not None


def test_garbage_is_quarantined_not_dropped(consultation):
    result = mail_ingest(raw=b"\x00\x01 this is not mail at all")
    assert result.status == "quarantined"
    assert RawSubmission.objects.get().status == RawStatus.QUARANTINED
    assert "headers" in result.reason


def test_auto_reply_is_quarantined_and_never_answered(consultation):
    raw = message(**{"Date:": "Auto-Submitted: auto-replied\r\nDate:",
                     "Sv: OGP-HØRING": "Automatisk svar: OGP-høring"})
    assert mail_ingest(raw=raw).status == "quarantined"
    assert Response.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_receipt_goes_back_to_the_sender_but_not_to_noreply(consultation, run_worker):
    mail_ingest(raw=message("a"))
    mail_ingest(raw=message("b", **{"soeren@mail.example": "noreply@portal.example"}))
    run_worker()
    assert [m.to for m in mail.outbox] == [["soeren@mail.example"]]
    assert "OGP-0001" in mail.outbox[0].subject
    assert Response.objects.count() == 2


def test_late_mail_is_accepted_and_flagged(consultation):
    consultation.opens_at = consultation.opens_at.replace(year=2011)
    consultation.published_at = consultation.opens_at
    consultation.closes_at = consultation.opens_at.replace(year=2012, month=1, day=1)
    consultation.save()
    result = mail_ingest(raw=message())
    assert result.status == "accepted"
    assert Response.objects.get().late


def test_invited_party_domain_gives_organisation(consultation):
    InvitedParty.objects.create(consultation=consultation, name="Ådal Kommune",
                                kind="authority_municipality", email_domain="aadal.example")
    mail_ingest(raw=message(**{"soeren@mail.example": "post@aadal.example"}))
    respondent = Response.objects.get().respondent
    assert (respondent.organisation, respondent.kind) == ("Ådal Kommune",
                                                          "authority_municipality")


def test_every_handmade_fixture_gets_a_status(consultation):
    ConsultationFactory(slug="digst", intake_email="hoering@digst.dk", subject_tag="OGP-høring")
    statuses = {}
    for path in sorted(FIXTURES.glob("*.eml")):
        statuses[path.name] = mail_ingest(raw=path.read_bytes()).status
    assert set(statuses.values()) <= {"accepted", "duplicate", "unrouted", "quarantined"}
    assert list(statuses.values()).count("accepted") >= 25
    assert statuses["13-auto-reply.eml"] == "quarantined"
    assert statuses["14-bounce-mailer-daemon.eml"] == "quarantined"
    assert RawSubmission.objects.count() == len(statuses) - list(statuses.values()).count(
        "duplicate")


def _cli(*args, stdin: bytes | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest_mail", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_prints_one_line_per_message(consultation, tmp_path):
    one, two = tmp_path / "1.eml", tmp_path / "2.eml"
    one.write_bytes(message("x"))
    two.write_bytes(message("x"))
    out, _ = _cli("--eml", str(one), str(two))
    assert out.splitlines() == ["x@mail.example\taccepted\tOGP-0001",
                                "x@mail.example\tduplicate\tOGP-0001"]


def test_command_reads_an_mbox(consultation, tmp_path):
    mbox = tmp_path / "svar.mbox"
    mbox.write_bytes(b"From x@y Tue Feb 21 14:03:00 2012\n" + message("p").replace(b"\r\n", b"\n")
                     + b"\nFrom x@y Tue Feb 21 14:04:00 2012\n"
                     + message("q").replace(b"\r\n", b"\n"))
    out, _ = _cli("--mbox", str(mbox))
    assert [line.split("\t")[1] for line in out.splitlines()] == ["accepted", "accepted"]


def test_command_fails_with_exit_1_when_the_source_cannot_be_read(consultation):
    with pytest.raises(SystemExit) as exit_:
        _cli("--mbox", "/does/not/exist.mbox")
    assert exit_.value.code == 1


@pytest.mark.django_db(transaction=True)
def test_command_reads_imap_and_moves_processed_mail(consultation, dovecot_imap):
    import imaplib

    client = imaplib.IMAP4(dovecot_imap.host, dovecot_imap.port)
    credentials = f"\0{dovecot_imap.user}\0{dovecot_imap.password}".encode()
    client.authenticate("PLAIN", lambda _challenge: credentials)
    for mid in ("i1", "i2"):
        client.append("INBOX", None, None, message(mid))
    out, _ = _cli("--imap", dovecot_imap.url("INBOX"))
    assert [line.split("\t")[1] for line in out.splitlines()] == ["accepted", "accepted"]
    client.select("INBOX")
    assert client.search(None, "ALL")[1] == [b""]
    again, _ = _cli("--imap", dovecot_imap.url("INBOX"))
    assert again == ""
    client.logout()
    assert Response.objects.count() == 2


def test_worker_polls_the_configured_mailbox_and_schedules_the_next_poll(
    consultation, dovecot_imap, settings
):
    import imaplib

    from django_tasks_db.models import DBTaskResult

    from samskab.consultations.intake import poll

    client = imaplib.IMAP4(dovecot_imap.host, dovecot_imap.port)
    credentials = f"\0{dovecot_imap.user}\0{dovecot_imap.password}".encode()
    client.authenticate("PLAIN", lambda _challenge: credentials)
    client.append("INBOX", None, None, message("poll"))
    client.logout()
    settings.SAMSKAB_IMAP_URL = dovecot_imap.url("INBOX")
    assert poll.mailbox_poll.call() == {"accepted": 1}
    assert Response.objects.get().source["message_id"] == "poll@mail.example"
    waiting = DBTaskResult.objects.get(task_path="samskab.consultations.intake.poll.mailbox_poll")
    assert waiting.status == "READY" and waiting.run_after is not None


def test_polling_survives_an_unreachable_mailbox(settings):
    from django_tasks_db.models import DBTaskResult

    from samskab.consultations.intake import poll

    settings.SAMSKAB_IMAP_URL = "imap://nobody:secret@127.0.0.1:1/INBOX"
    assert poll.mailbox_poll.call() == {"unavailable": 1}
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_receipt_is_delivered_over_real_smtp(consultation, smtp_server, settings):
    import email

    from samskab.consultations import tasks

    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": smtp_server.host, "port": smtp_server.port, "timeout": 10},
    }}
    settings.DEFAULT_FROM_EMAIL = "hoering@digst.example"
    result = mail_ingest(raw=message("smtp"))
    response = Response.objects.get(reference=result.reference)
    tasks.receipt_send.call(response.pk, "soeren@mail.example")
    (sender, recipients, raw), = smtp_server.messages
    assert recipients == ["soeren@mail.example"]
    received = email.message_from_bytes(raw)
    assert received["Auto-Submitted"] == "auto-replied"
    subject = str(email.header.make_header(email.header.decode_header(received["Subject"])))
    assert result.reference in subject and "Kvittering" in subject
