"""Reading mail from IMAP (a real Dovecot started by the tests), Maildir, mbox, .eml files and
stdin; acknowledging moves processed mail aside, never deletes it."""

from __future__ import annotations

import imaplib
import io
import mailbox
import smtplib
import socket
import ssl
from pathlib import Path

import pytest

from samskab.consultations.intake.mailsources import (
    EmlSource,
    ImapSource,
    MaildirSource,
    MboxSource,
    SourceUnavailable,
    StdinSource,
    open_source,
    parse_imap_url,
)
from samskab.consultations.intake.mime import parse_message

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mail"
SOME_MAIL = [
    "01-outlook-iso8859-1-qp.eml",
    "02-outlook-winmail-dat.eml",
    "15-no-message-id.eml",
]


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def append(server, names, folder="INBOX") -> None:
    connection = imaplib.IMAP4(server.host, server.port)
    credentials = f"\0{server.user}\0{server.password}".encode()
    connection.authenticate("PLAIN", lambda _: credentials)
    for name in names:
        status, _ = connection.append(folder, None, None, raw(name).replace(b"\r\n", b"\n")
                                      .replace(b"\n", b"\r\n"))
        assert status == "OK"
    connection.logout()


def folder_count(server, folder) -> int:
    connection = imaplib.IMAP4(server.host, server.port)
    credentials = f"\0{server.user}\0{server.password}".encode()
    connection.authenticate("PLAIN", lambda _: credentials)
    status, data = connection.select(f'"{folder}"', readonly=True)
    connection.logout()
    assert status == "OK", data
    return int(data[0])


def subjects(messages) -> list[str]:
    return [parse_message(m.raw).subject for m in messages]


# --------------------------------------------------------------------------- IMAP

def test_imap_reads_appended_messages_with_their_content(dovecot_imap):
    append(dovecot_imap, SOME_MAIL)
    with ImapSource(dovecot_imap.url()) as source:
        messages = list(source)
    assert subjects(messages) == [
        "OGP-høring: Svar fra Foreningen for Åben Forvaltning",
        "OGP-høring - svar fra Ærø Kommune",
        "OGP-hoering",
    ]
    assert len({m.source_id for m in messages}) == 3
    assert all(";UID=" in m.source_id for m in messages)


def test_imap_ack_moves_to_the_processed_folder_and_a_rerun_reads_nothing(dovecot_imap):
    append(dovecot_imap, SOME_MAIL)
    with ImapSource(dovecot_imap.url()) as source:
        for message in source:
            message.ack()
    with ImapSource(dovecot_imap.url()) as source:
        assert list(source) == []
    assert folder_count(dovecot_imap, "Samskab/Behandlet") == 3
    assert folder_count(dovecot_imap, "INBOX") == 0


def test_imap_unacknowledged_messages_are_read_again(dovecot_imap):
    """A crash after the first message was stored: the rest comes back on the next run."""
    append(dovecot_imap, SOME_MAIL)
    with ImapSource(dovecot_imap.url()) as source:
        first = next(iter(source))
        first.ack()
    with ImapSource(dovecot_imap.url()) as source:
        again = list(source)
    assert subjects(again) == ["OGP-høring - svar fra Ærø Kommune", "OGP-hoering"]


def test_imap_ack_after_the_connection_is_gone_is_source_unavailable(dovecot_imap):
    append(dovecot_imap, SOME_MAIL[:1])
    source = ImapSource(dovecot_imap.url())
    message = next(iter(source))
    source.connection.shutdown()  # the server or the network went away
    with pytest.raises(SourceUnavailable):
        message.ack()
    source.connection = None
    with ImapSource(dovecot_imap.url()) as again:
        assert len(list(again)) == 1  # still there, to be read again


def test_imap_copy_and_delete_fallback_keeps_a_copy(dovecot_imap):
    append(dovecot_imap, SOME_MAIL[:2])
    with ImapSource(dovecot_imap.url(), use_move=False) as source:
        for message in source:
            message.ack()
    with ImapSource(dovecot_imap.url()) as source:
        assert list(source) == []
    assert folder_count(dovecot_imap, "Samskab/Behandlet") == 2


def test_imap_processed_folder_can_be_named_in_the_url(dovecot_imap):
    append(dovecot_imap, SOME_MAIL[:1])
    with ImapSource(dovecot_imap.url("INBOX?processed=Arkiv/H%C3%B8ring")) as source:
        for message in source:
            message.ack()
    assert folder_count(dovecot_imap, "Arkiv/H&APg-ring") == 1


def test_imap_reads_another_folder(dovecot_imap):
    connection = imaplib.IMAP4(dovecot_imap.host, dovecot_imap.port)
    credentials = f"\0{dovecot_imap.user}\0{dovecot_imap.password}".encode()
    connection.authenticate("PLAIN", lambda _: credentials)
    connection.create("Hoeringssvar")
    connection.logout()
    append(dovecot_imap, SOME_MAIL[2:], folder="Hoeringssvar")
    with ImapSource(dovecot_imap.url("Hoeringssvar")) as source:
        assert subjects(source) == ["OGP-hoering"]


def test_imaps_reads_over_tls_with_a_trusted_certificate(dovecot_imap):
    if dovecot_imap.tls_port is None:
        pytest.skip("openssl is not installed; no certificate for imaps")
    append(dovecot_imap, SOME_MAIL[:1])
    context = ssl.create_default_context(cafile=str(dovecot_imap.cafile))
    with ImapSource(dovecot_imap.url(tls=True), ssl_context=context) as source:
        assert subjects(source) == ["OGP-høring: Svar fra Foreningen for Åben Forvaltning"]


def test_imaps_with_an_untrusted_certificate_is_source_unavailable(dovecot_imap):
    if dovecot_imap.tls_port is None:
        pytest.skip("openssl is not installed; no certificate for imaps")
    with pytest.raises(SourceUnavailable, match="CERTIFICATE_VERIFY_FAILED|certificate"):
        ImapSource(dovecot_imap.url(tls=True)).open()


def test_imap_wrong_password_is_source_unavailable(dovecot_imap):
    with pytest.raises(SourceUnavailable, match="login refused"):
        ImapSource(dovecot_imap.url(password="forkert")).open()


def test_imap_missing_folder_is_source_unavailable(dovecot_imap):
    with pytest.raises(SourceUnavailable, match="folder"):
        ImapSource(dovecot_imap.url("Findes-ikke")).open()


def test_imap_nothing_listening_is_source_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # free, and nobody listens once closed
    with pytest.raises(SourceUnavailable, match="cannot reach"):
        ImapSource(f"imap://u:p@127.0.0.1:{port}/INBOX", timeout=5).open()


def test_imap_url_parts_are_percent_decoded():
    url = "imaps://anna%40kommune.dk:p%C3%A5%2Fss@mail.kommune.dk/INBOX%2FSvar"
    location = parse_imap_url(url)
    assert location.user == "anna@kommune.dk"
    assert location.password == "på/ss"
    assert location.folder == "INBOX/Svar"
    assert (location.host, location.port, location.secure) == ("mail.kommune.dk", 993, True)


def test_imap_url_defaults():
    location = parse_imap_url("imap://u:p@localhost")
    assert (location.port, location.folder, location.secure) == (143, "INBOX", False)
    assert location.processed_folder is None


@pytest.mark.parametrize(
    "url",
    [
        "pop3://u:p@host/",
        "imaps://host/INBOX",
        "imaps://u@host/",
        "imap://u:p@:99/",
        "imap://u:p@h:x/",
    ],
)
def test_bad_imap_urls_are_source_unavailable(url):
    with pytest.raises(SourceUnavailable):
        ImapSource(url)


# --------------------------------------------------------------------------- Maildir

def make_maildir(path: Path, names) -> mailbox.Maildir:
    box = mailbox.Maildir(path, create=True)
    for name in names:
        box.add(raw(name))
    return box


def test_maildir_reads_and_ack_moves_into_the_processed_subfolder(tmp_path):
    make_maildir(tmp_path / "Maildir", SOME_MAIL)
    with MaildirSource(tmp_path / "Maildir") as source:
        messages = list(source)
        assert sorted(subjects(messages)) == sorted(
            parse_message(raw(name)).subject for name in SOME_MAIL
        )
        for message in messages:
            message.ack()
    assert list(MaildirSource(tmp_path / "Maildir")) == []
    processed = mailbox.Maildir(tmp_path / "Maildir", create=False).get_folder("Samskab.Behandlet")
    assert len(processed) == 3
    assert sorted(processed.get_bytes(key) for key in processed.keys()) == sorted(
        raw(name) for name in SOME_MAIL
    )


def test_maildir_without_processed_folder_marks_seen_and_skips_seen(tmp_path):
    make_maildir(tmp_path / "Maildir", SOME_MAIL[:2])
    source = MaildirSource(tmp_path / "Maildir", processed_folder=None)
    first = next(iter(source))
    first.ack()
    remaining = list(MaildirSource(tmp_path / "Maildir", processed_folder=None))
    assert len(remaining) == 1
    box = mailbox.Maildir(tmp_path / "Maildir", create=False)
    assert len(box) == 2  # nothing deleted
    assert sorted("S" in box.get_message(key).get_flags() for key in box.keys()) == [False, True]


def test_missing_maildir_is_source_unavailable(tmp_path):
    with pytest.raises(SourceUnavailable):
        MaildirSource(tmp_path / "findes-ikke")


# --------------------------------------------------------------------------- mbox, eml, stdin

def test_mbox_is_read_in_order_and_ack_changes_nothing(tmp_path):
    path = tmp_path / "svar.mbox"
    box = mailbox.mbox(path)
    for name in SOME_MAIL:
        box.add(raw(name))
    box.flush()
    box.close()
    before = path.read_bytes()
    messages = list(MboxSource(path))
    assert subjects(messages) == [parse_message(raw(name)).subject for name in SOME_MAIL]
    for message in messages:
        message.ack()
    assert path.read_bytes() == before
    assert [m.source_id for m in messages] == ["mbox:svar.mbox#1", "mbox:svar.mbox#2",
                                               "mbox:svar.mbox#3"]


def test_missing_mbox_is_source_unavailable(tmp_path):
    with pytest.raises(SourceUnavailable):
        MboxSource(tmp_path / "ingen.mbox")


def test_eml_files_are_read_as_they_are():
    paths = [FIXTURES / name for name in SOME_MAIL]
    messages = list(EmlSource(paths))
    assert [m.raw for m in messages] == [p.read_bytes() for p in paths]
    assert messages[0].source_id == "eml:01-outlook-iso8859-1-qp.eml"


def test_a_missing_eml_file_is_source_unavailable_before_anything_is_read(tmp_path):
    with pytest.raises(SourceUnavailable, match="mangler.eml"):
        EmlSource([FIXTURES / SOME_MAIL[0], tmp_path / "mangler.eml"])


def test_stdin_gives_one_message_without_the_mbox_from_line():
    stream = io.BytesIO(b"From MAILER-DAEMON Tue Feb 14 10:00:00 2012\n" + raw(SOME_MAIL[0]))
    messages = list(StdinSource(stream))
    assert len(messages) == 1
    assert messages[0].raw == raw(SOME_MAIL[0])


def test_empty_stdin_is_source_unavailable():
    with pytest.raises(SourceUnavailable):
        list(StdinSource(io.BytesIO(b"")))


def test_open_source_takes_exactly_one_source(tmp_path):
    assert isinstance(open_source(eml=[str(FIXTURES / SOME_MAIL[0])]), EmlSource)
    with pytest.raises(ValueError):
        open_source(eml=[str(FIXTURES / SOME_MAIL[0])], mbox=str(tmp_path / "x"))
    with pytest.raises(ValueError):
        open_source()


# --------------------------------------------------------------------------- SMTP fixture

def test_smtp_server_fixture_collects_what_is_sent(smtp_server):
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as client:
        client.sendmail("hoering@digst.dk", ["soren@aabenforvaltning.dk"], raw(SOME_MAIL[0]))
    assert len(smtp_server.messages) == 1
    sender, recipients, content = smtp_server.messages[0]
    assert (sender, recipients) == ("hoering@digst.dk", ["soren@aabenforvaltning.dk"])
    assert parse_message(content).subject.startswith("OGP-høring")
