"""The sender's address is recovered from any From header a mail client or script writes."""

import pytest

from factories import ConsultationFactory
from samskab.consultations.intake.mail import mail_ingest
from samskab.consultations.intake.mime import parse_message
from samskab.consultations.models import Response


def mail(headers: str) -> bytes:
    return (headers + "To: hoering@digst.example\r\nSubject: Sv: OGP-høring\r\n"
            "Message-ID: <x1@mail.example>\r\n\r\nVi foreslår åbne data.\r\n").encode()


@pytest.mark.parametrize(("from_value", "name", "address"), [
    # The whole value, address and brackets included, one encoded word (issue 10).
    ("=?utf-8?q?Mette_S=C3=B8rensen_=3Cmette=2Esoerensen=40example=2Edk=3E?=",
     "Mette Sørensen", "mette.soerensen@example.dk"),
    ("=?utf-8?b?TWV0dGUgU8O4cmVuc2VuIDxtZXR0ZUBleGFtcGxlLmRrPg==?=",
     "Mette Sørensen", "mette@example.dk"),
    ("=?utf-8?q?mette=40example=2Edk?=", "", "mette@example.dk"),
    # An encoded display name holding a comma, and the same comma unquoted in raw UTF-8.
    ("=?utf-8?q?S=C3=B8rensen=2C_Mette?= <mette@example.dk>", "Sørensen, Mette",
     "mette@example.dk"),
    ("Sørensen, Mette <mette@example.dk>", "Sørensen, Mette", "mette@example.dk"),
    ("=?utf-8?q?S=C3=B8rensen=2C_Mette_=3Cmette=40example=2Edk=3E?=", "Sørensen, Mette",
     "mette@example.dk"),
    # No angle brackets, the address only in a comment, unclosed or odd brackets.
    ("Mette Sørensen mette@example.dk", "Mette Sørensen", "mette@example.dk"),
    ("Mette Sørensen (mette@example.dk)", "Mette Sørensen", "mette@example.dk"),
    ("(mette@example.dk)", "", "mette@example.dk"),
    ("mette@example.dk (Mette Sørensen)", "Mette Sørensen", "mette@example.dk"),
    ("Mette <mette@example.dk", "Mette", "mette@example.dk"),
    ("Mette <mailto:mette@example.dk>", "Mette", "mette@example.dk"),
    ('"=?iso-8859-1?q?Mette_S=F8rensen?=" <mette@EXAMPLE.dk>', "Mette Sørensen",
     "mette@example.dk"),
])
def test_sender_address_is_recovered_from_a_malformed_from(from_value, name, address):
    message = parse_message(mail(f"From: {from_value}\r\n"))
    assert (message.from_name, message.from_address) == (name, address)


def test_from_without_an_address_falls_back_to_sender_then_reply_to():
    with_sender = parse_message(mail("From: Mette Sørensen\r\nSender: <mette@example.dk>\r\n"
                                     "Reply-To: svar@example.dk\r\n"))
    assert (with_sender.from_name, with_sender.from_address) == ("Mette Sørensen",
                                                                 "mette@example.dk")
    assert "from: sender address taken from Sender" in with_sender.defects
    reply_only = parse_message(mail("From: Mette Sørensen\r\nReply-To: svar@example.dk\r\n"))
    assert reply_only.from_address == "svar@example.dk"
    assert reply_only.from_name == "Mette Sørensen"


def test_an_undecoded_encoded_word_is_never_taken_for_an_address():
    message = parse_message(mail("From: =?utf-8?q?nobody?=\r\n"))
    assert message.from_address is None
    assert "from: no sender address" in message.defects


@pytest.mark.django_db
def test_whole_from_as_one_encoded_word_still_gets_a_receipt(
    django_capture_on_commit_callbacks,
):
    ConsultationFactory(intake_email="hoering@digst.example", reference_prefix="OGP")
    raw = mail("From: =?utf-8?q?Mette_S=C3=B8rensen_=3Cmette=2Esoerensen=40example=2Edk=3E?=\r\n")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = mail_ingest(raw=raw)
    assert result.status == "accepted"
    respondent = Response.objects.get().respondent
    assert (respondent.name, respondent.email) == ("Mette Sørensen", "mette.soerensen@example.dk")
    assert callbacks, "the receipt and follow-up work are queued on commit"
