"""The real server (`samskab serve`, gunicorn) is SIGKILLed in the middle of a run and started
again while browsers send their answers again with the same idempotency token, as people
pressing "send again" do: nothing acknowledged is lost and nothing is stored twice."""

import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db  # once per database; the server gets a database of its own

BROWSERS = 6
ANSWERS_EACH = 12
KILL_AFTER = 20
TOKEN = re.compile(r'name="idempotency_token" value="([0-9a-z]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SETUP = """
from datetime import timedelta
from django.utils import timezone
from samskab.consultations.models import Consultation
now = timezone.now()
Consultation.objects.create(slug="frist", title_da="Fristen", published_at=now,
    opens_at=now, closes_at=now + timedelta(days=1), reference_prefix="F")
"""


@pytest.fixture
def server_database(tmp_path):
    """(DATABASE_URL for the server, a function that runs SQL there and returns the rows)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "crash.sqlite3"

        def query(sql):
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{path}", query
        return
    import psycopg

    settings = connection.settings_dict
    name = f"{settings['NAME']}_crash"
    base = (f"postgresql://{settings['USER']}:{settings['PASSWORD'] or ''}@"
            f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}")
    with psycopg.connect(f"{base}/{settings['NAME']}", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')

    def query(sql):
        with psycopg.connect(f"{base}/{name}") as db:
            return db.execute(sql).fetchall()

    yield f"{base}/{name}", query
    with psycopg.connect(f"{base}/{settings['NAME']}", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _samskab(env, *args):
    subprocess.run([sys.executable, "-m", "samskab.cli", *args], env=env, check=True,  # noqa: S603
                   capture_output=True, timeout=300)


def _serve(env, port, log):
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "samskab.cli", "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--no-collectstatic"],
        env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _exchange(port, "GET", "/")
            return process
        except OSError:
            time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError("the server did not start")


def _exchange(port, method, path, body=None, cookie=""):
    """(status, Location, page, csrftoken cookie set) of one request on a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        if cookie:
            headers["Cookie"] = f"csrftoken={cookie}"
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        found = re.search(r"csrftoken=([^;]+)", answer.getheader("Set-Cookie", "") or "")
        return (answer.status, answer.getheader("Location", ""), answer.read().decode(),
                found.group(1) if found else cookie)
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_mid_run_loses_nothing_and_doubles_nothing(server_database, tmp_path):
    url, query = server_database
    env = {**os.environ, "DATABASE_URL": url, "SAMSKAB_VAR_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "samskab.settings", "SAMSKAB_DEBUG": "false",
           # Plain HTTP on loopback, with the generated secret key (see settings).
           "SAMSKAB_INSECURE_HTTP": "true",
           # Served without collectstatic: static files unhashed, from the apps.
           "SAMSKAB_STATIC_MANIFEST": "false"}
    _samskab(env, "migrate", "--verbosity", "0")
    _samskab(env, "shell", "--command", SETUP)
    port = _free_port()
    log = (tmp_path / "server.log").open("ab")
    server = {"process": _serve(env, port, log)}
    acknowledged: list[str] = []
    lock = threading.Lock()
    form = "/hoeringer/frist/svar/"

    def browser(number):
        cookie = ""
        for answer in range(ANSWERS_EACH):
            token = csrf = None
            give_up = time.monotonic() + 240
            while token is None and time.monotonic() < give_up:  # the page may be down too
                try:
                    _status, _location, page, cookie = _exchange(port, "GET", form, None, cookie)
                    found, found_csrf = TOKEN.search(page), CSRF.search(page)
                    if found and found_csrf:
                        token, csrf = found.group(1), found_csrf.group(1)
                except OSError:
                    time.sleep(0.1)
            if token is None:
                return
            body = (f"csrfmiddlewaretoken={csrf}&respondent_kind=citizen&"
                    f"consent_publish_response=on&idempotency_token={token}&"
                    f"text=Svar+{number}-{answer}+MARK{token}")
            while time.monotonic() < give_up:
                try:
                    status, location, _page, _cookie = _exchange(port, "POST", form, body,
                                                                 cookie)
                except OSError:  # killed mid-request: send the same again
                    time.sleep(0.1)
                    continue
                if status == 302 and "/kvittering/" in location:
                    with lock:
                        acknowledged.append(token)
                    break
                time.sleep(0.1)  # 503 (busy) or 502/500 while restarting: again, same token

    threads = [threading.Thread(target=browser, args=(n,)) for n in range(BROWSERS)]
    for thread in threads:
        thread.start()
    try:
        while len(acknowledged) < KILL_AFTER and any(t.is_alive() for t in threads):
            time.sleep(0.01)
        before_kill = len(acknowledged)
        os.killpg(server["process"].pid, signal.SIGKILL)  # master and workers, mid-load
        server["process"].wait(30)
        time.sleep(0.5)
        server["process"] = _serve(env, port, log)
        for thread in threads:
            thread.join(300)
    finally:
        os.killpg(server["process"].pid, signal.SIGKILL)
        server["process"].wait(30)
        log.close()

    # The run went on across the kill; a browser that gave up (a very slow machine) only
    # makes the run shorter, never an answer lost or doubled.
    assert KILL_AFTER <= before_kill < len(acknowledged)
    stored = query("SELECT idempotency_key, text FROM consultations_response")
    keys = [key for key, _text in stored]
    marks = [re.search(r"MARK([0-9a-z]+)", text).group(1) for _key, text in stored]
    lost = set(acknowledged) - set(keys)
    doubled = len(marks) - len(set(marks))
    assert (len(lost), doubled) == (0, 0)
