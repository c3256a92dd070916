"""Real mail servers for the intake tests: Dovecot (IMAP) and aiosmtpd (SMTP), both on free
loopback ports with throwaway configuration, started by the tests and stopped after them."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mail"


def fixture_mail(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"Dovecot did not answer on port {port}")


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    tls_port: int | None = None  # imaps, when openssl could make a certificate
    cafile: Path | None = None  # the self-signed certificate to trust for it

    def url(self, folder: str = "INBOX", *, password: str | None = None,
            tls: bool = False) -> str:
        from urllib.parse import quote

        secret = quote(self.password if password is None else password, safe="")
        scheme, port = ("imaps", self.tls_port) if tls else ("imap", self.port)
        return f"{scheme}://{quote(self.user, safe='')}:{secret}@{self.host}:{port}/{folder}"


PASSWORD = "hemmelig kode/æøå"  # a space, a slash and Danish letters: URL-encoding matters
USERS = 64  # more than the tests need; each test takes a fresh one, so a fresh mailbox


@dataclass
class _Dovecot:
    host: str
    port: int
    tls_port: int | None = None
    cafile: Path | None = None
    taken: int = 0

    def next_user(self) -> str:
        self.taken += 1
        if self.taken > USERS:
            raise RuntimeError("raise USERS in conftest.py")
        return f"anna{self.taken}@kommune.dk"


@pytest.fixture(scope="session")
def _dovecot_server(tmp_path_factory) -> Iterator[_Dovecot]:
    if not os.path.exists(DOVECOT):
        pytest.skip("dovecot is not installed (scripts/install-system-deps.sh)")
    tmp_path = tmp_path_factory.mktemp("dovecot")
    port = free_port()
    owner = None
    if os.geteuid() == 0:
        # Dovecot refuses mail access as root: mail belongs to an unprivileged user, in a
        # directory that user can reach (pytest's tmp_path is private to root).
        mail_user = pwd.getpwnam("nobody")
        login_user, internal_user = "dovenull", "dovecot"
        for name in (login_user, internal_user):
            try:
                pwd.getpwnam(name)
            except KeyError:
                pytest.skip(f"system user {name!r} missing (Debian's dovecot-core creates it)")
        # The auth process runs as the internal user and must read the passwd-file too.
        server_root = Path(tempfile.mkdtemp(prefix="samskab-dovecot-"))
        server_root.chmod(0o711)
        mail_root = server_root / "mail"
        mail_root.mkdir()
        os.chown(mail_root, mail_user.pw_uid, mail_user.pw_gid)
        owner = pwd.getpwnam(internal_user).pw_uid
    else:
        mail_user = pwd.getpwuid(os.geteuid())
        login_user = internal_user = mail_user.pw_name
        server_root = tmp_path
        mail_root = tmp_path / "mail"
        mail_root.mkdir()
    users = server_root / "users"
    users.write_text(
        "".join(f"anna{n}@kommune.dk:{{PLAIN}}{PASSWORD}\n" for n in range(1, USERS + 1))
    )
    users.chmod(0o600)
    if owner is not None:
        os.chown(users, owner, -1)
    server = _Dovecot("127.0.0.1", port)
    tls_settings = "ssl = no"
    if shutil.which("openssl"):
        cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
             "-keyout", str(key), "-out", str(cert)],
            stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=60,
        )
        server.tls_port, server.cafile = free_port(), cert
        tls_settings = f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}"
    run_dir = tmp_path / "run"
    state_dir = tmp_path / "state"
    for directory in (run_dir, state_dir):
        directory.mkdir()
    config = tmp_path / "dovecot.conf"
    config.write_text(
        f"""
base_dir = {run_dir}
state_dir = {state_dir}
log_path = {tmp_path}/dovecot.log
info_log_path = {tmp_path}/dovecot.log
protocols = imap
listen = 127.0.0.1
{tls_settings}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
mail_location = maildir:{mail_root}/%n
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users}
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={mail_root}/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {server.tls_port or 0}
  }}
}}
service anvil {{
  chroot =
  # no growing delay after the wrong-password test
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
    )
    # Dovecot daemonises; its processes must not inherit our pipes, or waiting for the
    # starter would wait for the server's whole life.
    errors = tmp_path / "dovecot-start.err"
    with errors.open("wb") as stderr:
        started = subprocess.run(
            [DOVECOT, "-c", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            check=False,
            timeout=30,
        )
    if started.returncode != 0:
        log = tmp_path / "dovecot.log"
        detail = errors.read_text() + (log.read_text() if log.exists() else "")
        raise RuntimeError(f"Dovecot did not start: {detail}")
    try:
        _wait_for_port(port)
        yield server
    finally:
        pid_file = run_dir / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        if server_root != tmp_path:
            shutil.rmtree(server_root, ignore_errors=True)


@pytest.fixture
def dovecot_imap(_dovecot_server) -> ImapServer:
    """A real Dovecot (started once per test session) on a free loopback port, plaintext
    login allowed on loopback, passwd-file users, Maildir storage in a throwaway directory.
    Every test gets a fresh user, so a fresh empty mailbox. Yields (host, port, user,
    password) as an `ImapServer`."""
    server = _dovecot_server
    return ImapServer(server.host, server.port, server.next_user(), PASSWORD,
                      server.tls_port, server.cafile)


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list = field(default_factory=list)  # (envelope_from, envelope_to, raw bytes)


class _Collector:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.server.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content
                                                                  or envelope.content))
        )
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free loopback port that collects what it receives."""
    from aiosmtpd.controller import Controller

    port = free_port()
    server = SmtpServer("127.0.0.1", port)
    controller = Controller(_Collector(server), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()
