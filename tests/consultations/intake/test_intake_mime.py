"""Parsing real-world mail: the hand-made messages in tests/fixtures/mail are shaped like what
Outlook, Apple Mail, Thunderbird, Gmail, iPhones, mailing lists and mail servers really send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from samskab.consultations.intake.charsets import codec_for, decode_header_value
from samskab.consultations.intake.mime import (
    ParsedMessage,
    UnparseableMessage,
    content_hash,
    parse_message,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mail"
SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "data" / "email-mime-samples"


def parse(name: str) -> ParsedMessage:
    return parse_message((FIXTURES / name).read_bytes())


def kinds(message: ParsedMessage) -> list[tuple[str, int]]:
    return [(segment.kind, segment.depth) for segment in message.body_parts]


def segment_text(message: ParsedMessage, kind: str, depth: int = 0) -> str:
    return "\n".join(s.text for s in message.body_parts if s.kind == kind and s.depth == depth)


ALL_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.eml"))


def test_there_are_at_least_thirty_fixture_messages():
    assert len(ALL_FIXTURES) >= 30


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_message_parses_with_a_sender_and_a_hash(name):
    message = parse(name)
    assert message.from_address and "@" in message.from_address
    assert len(message.content_hash) == 64
    assert message.body_text or message.attachments or message.body_parts


# --------------------------------------------------------------------------- headers and charsets

def test_iso_8859_1_quoted_printable_subject_sender_and_body_are_decoded():
    message = parse("01-outlook-iso8859-1-qp.eml")
    assert message.subject == "OGP-høring: Svar fra Foreningen for Åben Forvaltning"
    assert message.from_name == "Søren Æblerød"
    assert message.from_address == "soren@aabenforvaltning.dk"
    assert "offentliggør alle høringssvar" in message.body_text
    assert message.defects == []


def test_date_is_timezone_aware():
    message = parse("01-outlook-iso8859-1-qp.eml")
    assert message.date == datetime(2012, 2, 14, 9, 11, 58, tzinfo=UTC)
    assert message.date.utcoffset() == timedelta(hours=1)


def test_unreadable_date_gives_none_and_a_defect():
    message = parse("34-danish-date.eml")
    assert message.date is None
    assert any("date" in defect for defect in message.defects)


def test_utf7_encoded_subject_and_body_are_decoded():
    message = parse("07-utf7-subject.eml")
    assert message.subject == "OGP-høring om åbenhed"
    assert message.from_name == "Søren Kierkegaard"
    assert message.body_text == "Jeg støtter forslaget."


def test_malformed_charset_label_cp_1252_with_a_space_is_understood():
    message = parse("08-cp1252-label-with-space.eml")
    assert message.subject == "Sv: OGP-HØRING – børnenes stemme"
    assert message.from_name == "Ida Astørp"
    assert "også i OGP-processen" in message.body_text
    assert message.defects == []


def test_iso8859_label_without_dash_is_understood():
    message = parse("09-iso8859-label-without-dash.eml")
    assert message.subject == "OGP-høring - forslag"
    assert message.from_name == "Niels Bohr Ågaard"
    assert message.body_text == "Gør data om vandkvalitet frit tilgængelige."


def test_unknown_charset_falls_back_and_is_noted_as_a_defect():
    message = parse("10-unknown-charset.eml")
    assert message.subject == "OGP-høring fra Ole"
    assert "støtteordninger" in message.body_text
    assert any("x-klingon" in defect for defect in message.defects)


def test_encoded_words_split_inside_a_character_are_joined():
    message = parse("11-base64-utf8-split-encoded-word.eml")
    assert message.subject == "OGP-høring: Åbne data på tværs"
    assert message.from_name == "Ærbødig Ærtebjerg"
    assert "daginstitutioner bør være åbne" in message.body_text


def test_raw_8bit_latin1_headers_are_read():
    message = parse("19-raw-8bit-headers.eml")
    assert message.subject == "OGP-høring fra Bjørn"
    assert message.from_name == "Bjørn Ærenlund"
    assert message.body_text.endswith("æøå.")


def test_windows_1252_smart_quotes_dashes_and_euro_are_decoded():
    message = parse("20-windows1252-smart-quotes.eml")
    assert message.subject == "„OGP-høring“ – fiskerikvoter"
    assert "2 mia. € bør offentliggøres – „hvem ejer havet?“" in message.body_text


def test_raw_utf8_header_is_read():
    assert parse("05-gmail-forward-inline.eml").from_name == "Lars Løkke"


def test_folded_recipient_lists_and_cc_are_read():
    message = parse("38-crlf-folded-recipients.eml")
    assert message.to == ["post@ministeriet.dk", "HOERING@digst.dk"]
    assert message.cc == ["kollega@example.dk", "anden@example.dk"]


def test_delivered_to_is_read_and_an_empty_group_is_not_a_defect():
    message = parse("24-delivered-to-bcc.eml")
    assert message.delivered_to == ["ogp2012@hoering.digst.dk"]
    assert message.to == []
    assert message.recipients == ["ogp2012@hoering.digst.dk"]
    assert message.defects == []


def test_text_in_nfd_is_normalised_to_nfc():
    message = parse("32-bracketed-tag-nfd.eml")
    assert message.subject == "[OGP-høring] Forslag om åbne data"
    assert "åbne data" in message.body_text  # composed å, as typed


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("iso-8859-1", "cp1252"),
        ("ISO8859-1", "cp1252"),
        ("CP 1252", "cp1252"),
        ("windows-1252", "cp1252"),
        ("Windows_1252", "cp1252"),
        ("utf-7", "utf-7"),
        ("UTF8", "utf-8"),
        ("us-ascii", "cp1252"),
        ("iso-8859-15", "iso8859-15"),
        ("x-klingon", None),
        ("unknown-8bit", None),
        ("", None),
    ],
)
def test_charset_labels_from_the_wild_map_to_codecs(label, codec):
    assert codec_for(label) == codec


def test_encoded_words_with_spaces_inside_and_no_space_between_are_decoded():
    defects: list[str] = []
    value = "=?iso-8859-1?Q?Sv: OGP-h=F8ring?==?utf-8?B?IMOmw7jDpQ==?="
    assert decode_header_value(value, defects) == "Sv: OGP-høring æøå"
    assert defects == []


# --------------------------------------------------------------------------- structure

def test_text_plain_is_preferred_over_html_in_alternative():
    message = parse("03-apple-mail-pdf-rfc2231.eml")
    assert message.body_text.startswith("Hej\n\nHermed mit forslag som PDF.")
    assert "<div>" not in message.body_text


def test_rfc2231_utf8_filename_is_decoded():
    message = parse("03-apple-mail-pdf-rfc2231.eml")
    assert [(a.filename, a.mime_type) for a in message.attachments] == [
        ("Høringssvar åbne data.pdf", "application/pdf")
    ]
    assert message.attachments[0].data.startswith(b"%PDF-1.4")


def test_rfc2231_continuation_in_latin1_is_decoded():
    message = parse("29-rfc2231-latin1-filename.eml")
    attachment = message.attachments[0]
    assert attachment.filename == "Høringssvar fra Ærø.txt"
    assert attachment.data == "Ærø mener: flere åbne data.".encode("latin-1")


def test_encoded_word_filename_with_a_windows_path_keeps_only_the_name():
    message = parse("30-outlook-encoded-filename-path.eml")
    assert [a.filename for a in message.attachments] == ["høringssvar.pdf"]
    assert message.attachments[0].mime_type == "application/octet-stream"  # as declared


def test_html_only_mail_is_sanitised_to_text():
    message = parse("12-html-only.eml")
    text = message.body_text
    assert 'Jeg foreslår "åben kommune" & borgerbudgetter:' in text
    assert "- Budgetter som regneark" in text
    assert "alert" not in text and "hmmessage" not in text and "<" not in text


def test_empty_text_part_falls_back_to_html_and_blockquote_is_a_quote():
    message = parse("37-empty-plain-html-blockquote.eml")
    assert kinds(message) == [("body", 0), ("quote", 0)]
    assert message.response_text == "Jeg er enig i forslaget om at åbne data."
    assert segment_text(message, "quote") == "> Regeringen inviterer til OGP-høring."


def test_inline_image_of_related_part_is_an_attachment_flagged_inline():
    message = parse("25-related-inline-image.eml")
    assert [(a.filename, a.inline) for a in message.attachments] == [
        ("logo.png", True),
        ("Forslag ændring.docx", False),
    ]
    assert message.body_text == "Se vedlagte forslag."


def test_deeply_nested_parts_give_text_and_attachment():
    message = parse("28-nested-deep.eml")
    assert message.body_text == "Dybt indlejret tekst: åbne vejdata."
    assert [a.filename for a in message.attachments] == ["vejdata.csv"]


def test_message_with_only_an_attachment_has_no_text():
    message = parse("33-attachment-only.eml")
    assert message.body_text == ""
    assert [a.filename for a in message.attachments] == ["svar.pdf"]


def test_boundary_that_does_not_match_the_header_is_repaired():
    message = parse("16-broken-boundary.eml")
    assert message.body_text == "Teksten står her, selvom grænsen er forkert."
    assert [a.filename for a in message.attachments] == ["noter.txt"]
    assert any("boundary repaired" in defect for defect in message.defects)


def test_missing_closing_boundary_keeps_the_text_and_notes_a_defect():
    message = parse("17-missing-closing-boundary.eml")
    assert message.body_text == "Svaret slutter brat uden afsluttende grænse."
    assert message.defects


def test_broken_base64_is_recovered_with_a_defect():
    message = parse("40-broken-base64.eml")
    assert message.body_text == "Svantes viser om åbenhed."
    assert any("Base64" in defect for defect in message.defects)


def test_winmail_dat_attachments_are_unpacked_with_their_names():
    message = parse("02-outlook-winmail-dat.eml")
    assert [(a.filename, a.from_tnef) for a in message.attachments] == [
        ("Høringssvar Ærø Kommune.txt", True),
        ("bilag.rtf", True),
    ]
    assert message.attachments[0].data.decode("cp1252").startswith("Ærø Kommune støtter")
    assert all(a.filename != "winmail.dat" for a in message.attachments)


def test_winmail_dat_body_does_not_repeat_the_text_part():
    message = parse("02-outlook-winmail-dat.eml")
    assert message.body_text.count("Vedlagt vores høringssvar") == 1


def test_damaged_winmail_dat_is_kept_as_an_attachment_with_a_defect():
    raw = (FIXTURES / "02-outlook-winmail-dat.eml").read_bytes()
    start = raw.index(b"\r\n\r\n", raw.index(b"filename=\"winmail.dat\"")) + 4
    end = raw.index(b"\r\n\r\n", start)
    damaged = raw[:start] + b"AAAAAAAAAAAAAAAAAAAA" + raw[end:]
    message = parse_message(damaged)
    assert [a.filename for a in message.attachments] == ["winmail.dat"]
    assert any("winmail.dat" in defect for defect in message.defects)


# --------------------------------------------------------------------------- segments

def test_closing_phrase_and_signature_are_marked_not_dropped():
    message = parse("01-outlook-iso8859-1-qp.eml")
    assert kinds(message) == [("body", 0), ("signature", 0)]
    assert segment_text(message, "signature").startswith("Med venlig hilsen\nSøren Æblerød")
    assert "Tlf. 12 34 56 78" in message.body_text
    assert "Tlf." not in message.response_text


def test_format_flowed_is_joined_and_dash_dash_starts_the_signature():
    message = parse("04-thunderbird-flowed-signature.eml")
    body = segment_text(message, "body")
    assert "Jeg foreslår, at alle lovforslag lægges i offentlig høring i mindst seks uger" in body
    assert segment_text(message, "signature").startswith("-- \nMette Kjær")


def test_sent_from_my_iphone_is_a_signature():
    message = parse("26-iphone-sendt-fra.eml")
    assert kinds(message) == [("body", 0), ("signature", 0)]
    assert message.response_text == "Offentlige møder skal streames."


def test_danish_reply_header_and_quoted_lines_are_a_quote():
    message = parse("21-reply-quoted-danish.eml")
    assert kinds(message) == [("body", 0), ("signature", 0), ("quote", 0)]
    quote = segment_text(message, "quote")
    assert quote.startswith("Den 1. mar. 2012 kl. 09.00 skrev Digitaliseringsstyrelsen")
    assert "> Send dit svar senest 15. marts." in quote
    assert message.response_text == "Tak for invitationen. Mit forslag: offentliggør aktindsigter."


def test_outlook_fra_sendt_block_in_a_reply_is_a_quote():
    message = parse("22-outlook-reply-fra-sendt.eml")
    assert kinds(message) == [("body", 0), ("signature", 0), ("quote", 0)]
    assert segment_text(message, "quote").startswith("Fra: Digitaliseringsstyrelsen")


def test_gmail_inline_forward_is_marked_and_its_text_kept_one_level_down():
    message = parse("05-gmail-forward-inline.eml")
    assert kinds(message) == [("body", 0), ("forwarded", 0), ("body", 1), ("signature", 1)]
    assert "Fra: Anne Løkke <anne@example.dk>" in segment_text(message, "forwarded")
    assert "offentlige kontrakter skal offentliggøres" in message.response_text


def test_apple_mail_forward_quoted_with_angle_brackets_is_a_forward():
    message = parse("39-apple-begin-forwarded.eml")
    assert kinds(message) == [("body", 0), ("forwarded", 0), ("body", 1)]
    assert segment_text(message, "body", 1) == "Musikere ønsker åbne data om ophavsret."


def test_forwarded_rfc822_message_gives_its_text_and_attachments():
    message = parse("06-forward-as-attachment.eml")
    assert kinds(message) == [("body", 0), ("forwarded", 0), ("body", 1)]
    assert "Fra: Jørgen Møller <jorgen@moeller.dk>" in segment_text(message, "forwarded")
    assert "Åbenhed om lobbyisme" in message.response_text
    assert [(a.filename, a.forwarded) for a in message.attachments] == [("bilag.txt", True)]
    assert [f.subject for f in message.forwarded] == ["Mit høringssvar"]
    assert message.forwarded[0].message_id == "inner-20120220@moeller.dk"


# --------------------------------------------------------------------------- automatic mail

@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("13-auto-reply.eml", "Auto-Submitted"),
        ("14-bounce-mailer-daemon.eml", "Auto-Submitted"),
        ("18-noreply-sender.eml", "noreply@borger.dk"),
        ("27-list-bulk.eml", "Precedence: bulk"),
        ("36-x-autoreply-fravaerende.eml", "X-Autoreply"),
    ],
)
def test_automatic_mail_is_recognised_so_no_receipt_is_sent(name, reason):
    message = parse(name)
    assert message.is_automatic
    assert reason in message.automatic_reason


@pytest.mark.parametrize(
    "name",
    ["01-outlook-iso8859-1-qp.eml", "21-reply-quoted-danish.eml", "35-english-response.eml",
     "05-gmail-forward-inline.eml"],
)
def test_ordinary_mail_is_not_automatic(name):
    message = parse(name)
    assert not message.is_automatic
    assert message.automatic_reason is None


@pytest.mark.parametrize(
    "headers",
    [
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example.dk>\n",
        b"From: a@example.dk\nReturn-Path: <>\n",
        b"From: a@example.dk\nContent-Type: multipart/report; report-type=delivery-status;"
        b" boundary=x\n",
        b"From: a@example.dk\nPrecedence: junk\n",
        b"From: a@example.dk\nX-Autorespond: yes\n",
        b"From: a@example.dk\nList-Id: <liste.example.dk>\n",
        b"From: Ingen svar <no-reply@kommune.dk>\n",
        b"From: postmaster@kommune.dk\n",
        b"From: a@example.dk\nSubject: Undeliverable: OGP-hoering\n",
        b"From: a@example.dk\nSubject: Automatisk svar: OGP-hoering\n",
    ],
)
def test_each_sign_of_automatic_mail_is_enough_on_its_own(headers):
    message = parse_message(headers + b"To: hoering@digst.dk\n\n--x\n\ntekst\n")
    assert message.is_automatic, headers


def test_auto_submitted_no_is_a_person():
    raw = b"From: a@example.dk\nAuto-Submitted: no\nSubject: OGP-hoering\n\nSvar.\n"
    assert not parse_message(raw).is_automatic


def test_subject_alone_marks_an_out_of_office_reply():
    raw = (
        b"From: Per Stig <ps@example.dk>\nTo: hoering@digst.dk\n"
        b"Subject: =?utf-8?Q?Frav=C3=A6rende:_OGP-h=C3=B8ring?=\n\nJeg er p\xc3\xa5 ferie.\n"
    )
    assert parse_message(raw).is_automatic


# --------------------------------------------------------------------------- identity

def test_missing_message_id_gives_none_and_a_content_hash_for_deduplication():
    message = parse("15-no-message-id.eml")
    assert message.message_id is None
    raw = (FIXTURES / "15-no-message-id.eml").read_bytes()
    assert message.content_hash == content_hash(raw)
    assert parse_message(raw.replace(b"\n", b"\r\n")).content_hash == message.content_hash
    assert parse_message(raw + b"Mere tekst.\n").content_hash != message.content_hash


def test_message_id_is_taken_without_angle_brackets():
    assert parse("04-thunderbird-flowed-signature.eml").message_id == "4F3D2A1B.6070809@gmail.com"


def test_language_comes_from_content_language_or_is_guessed():
    assert parse("01-outlook-iso8859-1-qp.eml").language == "da"
    assert parse("35-english-response.eml").language == "en"
    assert parse("21-reply-quoted-danish.eml").language == "da"


# --------------------------------------------------------------------------- what cannot be read

@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \r\n  ",
        bytes(range(256)) * 20,
        b"Dette er bare tekst uden nogen mail-hoveder overhovedet.\n",
    ],
    ids=["empty", "blank", "binary", "no-headers"],
)
def test_nothing_usable_raises_unparseable_with_a_reason(raw):
    with pytest.raises(UnparseableMessage) as caught:
        parse_message(raw)
    assert caught.value.reason


def test_headers_without_body_still_parse():
    message = parse_message(b"From: Ib Spang Olsen <ib@example.dk>\nSubject: OGP-hoering\n")
    assert message.from_address == "ib@example.dk"
    assert message.body_text == ""


def test_a_thousand_nested_multiparts_do_not_crash_the_parser():
    head = b"From: a@example.dk\nSubject: dyb\nContent-Type: multipart/mixed; boundary=b0\n\n"
    parts = [head]
    for level in range(1, 1000):
        parts.append(b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (level - 1, level))
    parts.append(b"--b999\nContent-Type: text/plain\n\nbund\n")
    try:
        message = parse_message(b"".join(parts))
    except UnparseableMessage as exc:
        assert exc.reason
    else:
        assert any("deep" in defect for defect in message.defects)


def test_many_parts_are_capped_with_a_defect():
    parts = [b"From: a@example.dk\nSubject: mange\nContent-Type: multipart/mixed; boundary=x\n\n"]
    for index in range(700):
        parts.append(b"--x\nContent-Type: text/plain; name=\"f%d.txt\"\n\n%d\n" % (index, index))
    parts.append(b"--x--\n")
    message = parse_message(b"".join(parts))
    assert len(message.attachments) < 700
    assert any("parts" in defect for defect in message.defects)


def test_timezone_less_date_is_taken_as_utc():
    message = parse_message(b"From: a@example.dk\nDate: Tue, 14 Feb 2012 10:00:00 -0000\n\nx\n")
    assert message.date == datetime(2012, 2, 14, 10, 0, tzinfo=timezone.utc)


# --------------------------------------------------------------------------- the shared samples

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt")) if SAMPLES.is_dir() else []


@pytest.mark.skipif(not SAMPLE_FILES, reason="../shared/data/email-mime-samples not present")
def test_shared_sample_collection_parses_without_crashing():
    parsed = failed = 0
    for path in SAMPLE_FILES:
        if path.name.startswith("LICENSE"):
            continue
        try:
            message = parse_message(path.read_bytes())
        except UnparseableMessage:
            failed += 1
            continue
        parsed += 1
        assert message.subject
    assert parsed > 0 and failed == 0


def test_truncated_and_corrupted_messages_never_raise_anything_but_unparseable():
    """A deterministic sample of damage: cut short, bytes overwritten, MIME tokens inserted."""
    import random

    rng = random.Random(2012)
    originals = [(FIXTURES / name).read_bytes() for name in ALL_FIXTURES]
    tokens = [b"=?", b"?=", b"--", b"\n\n", b"\x00", b"=?utf-8?B?", b"boundary=", b"=\n",
              b"Content-Type: message/rfc822\n", b"Content-Transfer-Encoding: base64\n"]
    for _ in range(400):
        raw = bytearray(rng.choice(originals))
        position = rng.randrange(len(raw))
        damage = rng.randrange(3)
        if damage == 0:
            raw = raw[:position]
        elif damage == 1:
            for _ in range(10):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
        else:
            raw[position:position] = rng.choice(tokens)
        try:
            parse_message(bytes(raw))
        except UnparseableMessage as exc:
            assert not exc.reason.startswith("parser error"), exc.reason


def test_a_big_pasted_image_in_related_is_content_not_layout():
    import base64

    picture = base64.encodebytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100_000).decode()
    raw = (
        "From: a@example.dk\nSubject: OGP-hoering\n"
        'Content-Type: multipart/related; boundary="r"\n\n'
        "--r\nContent-Type: text/html\n\n<p>Se brevet</p><img src=cid:brev>\n"
        "--r\nContent-Type: image/png\nContent-ID: <brev>\nContent-Transfer-Encoding: base64\n\n"
        f"{picture}--r--\n"
    ).encode()
    message = parse_message(raw)
    assert [(len(a.data), a.inline) for a in message.attachments] == [(100_008, False)]


def test_forwards_nested_without_end_stop_at_a_limit():
    raw = b"From: a@example.dk\nSubject: bund\n\nbund\n"
    for level in range(40):
        raw = (b"From: a%d@example.dk\nSubject: lag %d\nContent-Type: message/rfc822\n\n" % (
            level, level)) + raw
    message = parse_message(raw)
    assert any("nested too deeply" in defect for defect in message.defects)


def test_the_language_guess_is_the_analysis_rule():
    """One rule for language (analysis.text.detect_language); the mail adds only that a text
    under three words (a bare subject) says nothing and that other languages are unknown."""
    from samskab.analysis.text import detect_language
    from samskab.consultations.intake.mime import guess_language

    text = "Hermed et kort svar uden Message-ID."
    assert detect_language(text) == guess_language(text) == "da"
    assert parse("15-no-message-id.eml").language == "da"
    assert guess_language("We support the proposal for open data in the municipalities.") == "en"
    assert guess_language("OGP-hoering") is None
    assert guess_language("Wir unterstützen den Vorschlag und die offenen Daten sehr.") is None
