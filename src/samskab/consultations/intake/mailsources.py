"""Where mail comes from: an IMAP folder, a Maildir, an mbox, .eml files or stdin.

Every source is a context manager that yields `SourceMessage`s. The caller stores the message
(in its own transaction) and only then calls `ack()`, which moves the message out of the way
where the source allows it: a crash between reading and acking means the message is read
again on the next run, and the service's idempotency (Message-ID, content hash) turns that
second reading into ``duplicate``. Nothing is ever deleted without a copy in the processed
folder first.

`SourceUnavailable` means the source cannot be read at all (bad URL, refused login, missing
file); the command line exits 1 on it.
"""

from __future__ import annotations

import base64
import imaplib
import mailbox
import os
import re
import ssl
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_IMAP_PROCESSED = "Samskab/Behandlet"
DEFAULT_MAILDIR_PROCESSED = "Samskab.Behandlet"
MAX_MESSAGE_BYTES = 100 * 1024 * 1024


class SourceUnavailable(Exception):  # noqa: N818 - the name the callers know
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SourceMessage:
    raw: bytes
    source_id: str
    ack: Callable[[], None]


def _no_ack() -> None:
    """Read-only sources have nothing to move."""


# --------------------------------------------------------------------------- IMAP

def _imap_utf7_encode(name: str) -> str:
    """RFC 3501 modified UTF-7 for mailbox names ("Behandlet høringssvar")."""
    out: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            encoded = base64.b64encode("".join(buffer).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            buffer.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            buffer.append(ch)
    flush()
    return "".join(out)


def _quote_mailbox(name: str) -> str:
    encoded = _imap_utf7_encode(name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class ImapLocation:
    secure: bool
    host: str
    port: int
    user: str
    password: str
    folder: str
    processed_folder: str | None


def parse_imap_url(url: str) -> ImapLocation:
    """``imaps://user:pass@host:port/folder`` or ``imap://…`` (plain, for local servers).
    User and password are percent-decoded (``anna%40kommune.dk``); the folder defaults to
    INBOX; ``?processed=Folder`` overrides where acknowledged messages go."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SourceUnavailable(f"not an IMAP URL: {exc}") from exc
    if parts.scheme not in ("imap", "imaps"):
        raise SourceUnavailable(f"not an IMAP URL (imap:// or imaps://): {parts.scheme!r}")
    if not parts.hostname:
        raise SourceUnavailable("the IMAP URL has no host")
    if parts.username is None or parts.password is None:
        raise SourceUnavailable("the IMAP URL needs user and password (imaps://user:pass@host)")
    secure = parts.scheme == "imaps"
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    query = parse_qs(parts.query)
    processed = unquote(query["processed"][0]) if query.get("processed") else None
    return ImapLocation(
        secure=secure,
        host=parts.hostname,
        port=port or (993 if secure else 143),
        user=unquote(parts.username),
        password=unquote(parts.password),
        folder=folder,
        processed_folder=processed,
    )


class ImapSource:
    """The messages in one IMAP folder. `ack()` moves a message to the processed folder
    (created if missing): UID MOVE where the server has it, else UID COPY, then flag
    \\Deleted and, with UIDPLUS, UID EXPUNGE of that message alone (without UIDPLUS the
    flagged message stays until the mailbox is expunged; it is not read again, because only
    undeleted messages are read). Messages are fetched with BODY.PEEK, so reading alone does
    not mark them as seen."""

    def __init__(
        self,
        url: str,
        *,
        processed_folder: str = DEFAULT_IMAP_PROCESSED,
        timeout: float = 60.0,
        use_move: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.location = parse_imap_url(url)
        self.processed_folder = self.location.processed_folder or processed_folder
        self.timeout = timeout
        self.use_move = use_move
        self.ssl_context = ssl_context
        self.connection: imaplib.IMAP4 | None = None
        self._processed_ready = False
        self._uidvalidity = ""

    # -- connection
    def __enter__(self) -> ImapSource:
        self.open()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def open(self) -> None:
        loc = self.location
        try:
            if loc.secure:
                context = self.ssl_context or ssl.create_default_context()
                connection = imaplib.IMAP4_SSL(
                    loc.host, loc.port, ssl_context=context, timeout=self.timeout
                )
            else:
                connection = imaplib.IMAP4(loc.host, loc.port, timeout=self.timeout)
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            raise SourceUnavailable(f"cannot reach {loc.host}:{loc.port}: {exc}") from exc
        try:
            if (loc.user + loc.password).isascii():
                connection.login(loc.user, loc.password)
            else:
                # LOGIN sends ASCII only; SASL PLAIN carries UTF-8 user names and passwords.
                credentials = f"\0{loc.user}\0{loc.password}".encode()
                connection.authenticate("PLAIN", lambda _challenge: credentials)
        except imaplib.IMAP4.error as exc:
            _logout_quietly(connection)
            raise SourceUnavailable(f"login refused for {loc.user!r}: {_text(exc)}") from exc
        except (OSError, imaplib.IMAP4.abort) as exc:
            _logout_quietly(connection)
            raise SourceUnavailable(f"connection lost during login: {exc}") from exc
        try:
            connection.capability()  # servers announce MOVE and UIDPLUS after login
            status, data = connection.select(_quote_mailbox(loc.folder))
        except (OSError, imaplib.IMAP4.error) as exc:
            _logout_quietly(connection)
            raise SourceUnavailable(f"cannot open folder {loc.folder!r}: {exc}") from exc
        if status != "OK":
            _logout_quietly(connection)
            raise SourceUnavailable(f"cannot open folder {loc.folder!r}: {_text(data)}")
        _status, uidvalidity = connection.response("UIDVALIDITY")
        self._uidvalidity = _text(uidvalidity[0]) if uidvalidity and uidvalidity[0] else ""
        self.connection = connection

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except (OSError, imaplib.IMAP4.error):
                pass
            _logout_quietly(self.connection)
            self.connection = None

    # -- reading
    def __iter__(self) -> Iterator[SourceMessage]:
        return self.messages()

    def messages(self) -> Iterator[SourceMessage]:
        if self.connection is None:
            self.open()
        connection = self.connection
        assert connection is not None  # noqa: S101 - open() raised otherwise
        try:
            status, data = connection.uid("SEARCH", "UNDELETED")
        except (OSError, imaplib.IMAP4.error) as exc:
            folder = self.location.folder
            raise SourceUnavailable(f"cannot search folder {folder!r}: {exc}") from exc
        if status != "OK":
            raise SourceUnavailable(f"cannot search folder {self.location.folder!r}")
        uids = _text(data[0]).split() if data and data[0] else []
        for uid in uids:
            try:
                status, fetched = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            except (OSError, imaplib.IMAP4.error) as exc:
                raise SourceUnavailable(f"connection lost reading message {uid}: {exc}") from exc
            raw = _fetched_bytes(fetched)
            if status != "OK" or raw is None:
                continue  # expunged by someone else in the meantime
            source_id = (
                f"imap://{self.location.host}/{self.location.folder}"
                f";UIDVALIDITY={self._uidvalidity};UID={uid}"
            )
            yield SourceMessage(raw=raw, source_id=source_id, ack=self._acker(uid))

    def _acker(self, uid: str) -> Callable[[], None]:
        def ack() -> None:
            try:
                self._move(uid)
            except (OSError, imaplib.IMAP4.error) as exc:
                # The message stays in the folder; the next run reads it again and the
                # service answers "duplicate".
                raise SourceUnavailable(f"could not move message {uid}: {exc}") from exc

        return ack

    # -- moving
    def _ensure_processed_folder(self) -> str:
        connection = self.connection
        assert connection is not None  # noqa: S101
        status, data = connection.list('""', '""')
        delimiter = "/"
        if status == "OK" and data and data[0]:
            match = re.search(rb'\(.*?\) "(.)"', data[0] if isinstance(data[0], bytes) else b"")
            if match:
                delimiter = match.group(1).decode()
        folder = self.processed_folder.replace("/", delimiter)
        if not self._processed_ready:
            status, data = connection.list('""', _quote_mailbox(folder))
            if status != "OK" or not data or data[0] is None:
                status, data = connection.create(_quote_mailbox(folder))
                if status != "OK":
                    raise SourceUnavailable(f"cannot create folder {folder!r}: {_text(data)}")
                connection.subscribe(_quote_mailbox(folder))
            self._processed_ready = True
        return folder

    def _move(self, uid: str) -> None:
        connection = self.connection
        if connection is None:
            raise SourceUnavailable("the IMAP connection is closed; cannot acknowledge")
        folder = _quote_mailbox(self._ensure_processed_folder())
        capabilities = {c.upper() for c in connection.capabilities}
        if self.use_move and "MOVE" in capabilities:
            status, data = connection.uid("MOVE", uid, folder)
            if status == "OK":
                return
        status, data = connection.uid("COPY", uid, folder)
        if status != "OK":
            raise SourceUnavailable(f"cannot copy message {uid} to {folder}: {_text(data)}")
        # Deleted only after the copy is confirmed.
        connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")
        if "UIDPLUS" in capabilities:
            connection.uid("EXPUNGE", uid)


def _fetched_bytes(fetched: Sequence) -> bytes | None:
    for item in fetched or []:
        if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _text(value) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_text(v) for v in value if v is not None)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, Exception) and value.args:
        return _text(value.args[0])
    return str(value)


def _logout_quietly(connection: imaplib.IMAP4) -> None:
    try:
        connection.logout()
    except (OSError, imaplib.IMAP4.error):
        pass


# --------------------------------------------------------------------------- Maildir

class _LocalSource:
    """A source with nothing to open or close: a context manager and an iterable of its
    `messages()`, like ImapSource."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def __iter__(self) -> Iterator[SourceMessage]:
        return self.messages()

    def messages(self) -> Iterator[SourceMessage]:
        raise NotImplementedError


class MaildirSource(_LocalSource):
    """The messages in a Maildir's new/ and cur/. `ack()` moves the file into the processed
    subfolder (Maildir++ ``.Samskab.Behandlet``, created if missing) by a rename, so it is
    atomic and nothing is ever copied or lost; with ``processed_folder=None`` it instead marks
    the message seen (``:2,S``) and seen messages are skipped."""

    def __init__(self, path: str | os.PathLike, *,
                 processed_folder: str | None = DEFAULT_MAILDIR_PROCESSED):
        self.path = Path(path)
        self.processed_folder = processed_folder
        if not all((self.path / sub).is_dir() for sub in ("new", "cur", "tmp")):
            raise SourceUnavailable(f"not a Maildir (needs new/, cur/, tmp/): {self.path}")

    def _processed_dir(self) -> Path:
        assert self.processed_folder is not None  # noqa: S101
        folder = self.path / ("." + self.processed_folder.lstrip("."))
        for sub in ("tmp", "new", "cur"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        (folder / "maildirfolder").touch(exist_ok=True)
        return folder

    def messages(self) -> Iterator[SourceMessage]:
        entries = []
        for sub in ("new", "cur"):
            for entry in (self.path / sub).iterdir():
                if entry.name.startswith(".") or not entry.is_file():
                    continue
                if self.processed_folder is None and "S" in _maildir_flags(entry.name):
                    continue
                entries.append(entry)
        entries.sort(key=lambda e: (e.stat().st_mtime, e.name))
        for entry in entries:
            try:
                raw = entry.read_bytes()
            except FileNotFoundError:
                continue  # taken by another reader
            yield SourceMessage(raw=raw, source_id=f"maildir:{entry.name.split(':')[0]}",
                                ack=self._acker(entry))

    def _acker(self, entry: Path) -> Callable[[], None]:
        def ack() -> None:
            if not entry.exists():
                return
            if self.processed_folder is None:
                base, _, info = entry.name.partition(":2,")
                flags = "".join(sorted(set(info) | {"S"}))
                entry.rename(self.path / "cur" / f"{base}:2,{flags}")
                return
            target = self._processed_dir() / "cur" / entry.name
            if entry.parent.name == "new" and ":2," not in entry.name:
                target = target.with_name(entry.name + ":2,")
            entry.rename(target)

        return ack


def _maildir_flags(name: str) -> str:
    return name.partition(":2,")[2]


# --------------------------------------------------------------------------- mbox, .eml, stdin

class MboxSource(_LocalSource):
    """An mbox file, read only; `ack()` does nothing (the file is an export, not a queue)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if not self.path.is_file():
            raise SourceUnavailable(f"no such mbox file: {self.path}")

    def messages(self) -> Iterator[SourceMessage]:
        try:
            box = mailbox.mbox(self.path, create=False)
            keys = list(box.keys())
        except (OSError, mailbox.Error) as exc:
            raise SourceUnavailable(f"cannot read mbox {self.path}: {exc}") from exc
        try:
            for index, key in enumerate(keys, start=1):
                yield SourceMessage(
                    raw=box.get_bytes(key), source_id=f"mbox:{self.path.name}#{index}", ack=_no_ack
                )
        finally:
            box.close()


class EmlSource(_LocalSource):
    """One or more .eml files; every file is checked before the first is read. `ack()` does
    nothing: the files are the caller's."""

    def __init__(self, paths: Sequence[str | os.PathLike]):
        self.paths = [Path(p) for p in paths]
        if not self.paths:
            raise SourceUnavailable("no .eml files given")
        missing = [str(p) for p in self.paths if not p.is_file()]
        if missing:
            raise SourceUnavailable("no such file: " + ", ".join(missing))

    def messages(self) -> Iterator[SourceMessage]:
        for path in self.paths:
            try:
                raw = path.read_bytes()
            except OSError as exc:
                raise SourceUnavailable(f"cannot read {path}: {exc}") from exc
            yield SourceMessage(raw=raw, source_id=f"eml:{path.name}", ack=_no_ack)


class StdinSource(_LocalSource):
    """One message on standard input, as an MTA pipe delivers it. A leading mbox ``From ``
    line (added by some MTAs) is dropped."""

    def __init__(self, stream: BinaryIO | None = None):
        self.stream = stream

    def messages(self) -> Iterator[SourceMessage]:
        stream = self.stream if self.stream is not None else sys.stdin.buffer
        try:
            raw = stream.read(MAX_MESSAGE_BYTES + 1)
        except OSError as exc:
            raise SourceUnavailable(f"cannot read standard input: {exc}") from exc
        if len(raw) > MAX_MESSAGE_BYTES:
            raise SourceUnavailable(f"message on standard input over {MAX_MESSAGE_BYTES} bytes")
        if raw.startswith(b"From "):
            raw = raw.partition(b"\n")[2]
        if not raw.strip():
            raise SourceUnavailable("standard input is empty")
        yield SourceMessage(raw=raw, source_id="stdin", ack=_no_ack)


def open_source(
    *,
    imap: str | None = None,
    maildir: str | None = None,
    mbox: str | None = None,
    eml: Sequence[str] | None = None,
    stdin: bool = False,
) -> ImapSource | MaildirSource | MboxSource | EmlSource | StdinSource:
    """The one source named (the command line's SOURCE); exactly one must be given."""
    given = [name for name, value in (("imap", imap), ("maildir", maildir), ("mbox", mbox),
                                      ("eml", eml), ("stdin", stdin)) if value]
    if len(given) != 1:
        raise ValueError(f"exactly one mail source expected, got {given or 'none'}")
    if imap:
        return ImapSource(imap)
    if maildir:
        return MaildirSource(maildir)
    if mbox:
        return MboxSource(mbox)
    if eml:
        return EmlSource(eml)
    return StdinSource()
