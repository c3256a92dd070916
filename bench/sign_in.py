"""Benchmark: does password guessing starve the public form? (issue 10)

    .venv/bin/python bench/sign_in.py [--seconds 20] [--guessers 4] [--workers 2]
                                      [--failure-limit 5]

Builds a fresh SQLite installation in a temporary directory, starts gunicorn (sync workers, as
`samskab serve`) on a free loopback port with the real password hasher, and measures how many
responses per second one respondent gets through the public form (GET the form, POST it,
follow to the receipt) for --seconds: first alone, then while --guessers threads post wrong
passwords to /login/ as fast as they can. Prints answers/s for both phases and how the guessers
were answered (200: form again, i.e. a hash was computed; 429: locked out, no hash). Only
loopback traffic, bounded in time.
"""

import argparse
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUP = """
import django; django.setup()
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from samskab.consultations.models import Consultation
now = timezone.now()
Consultation.objects.create(slug="bench", title_da="Bench", published_at=now - timedelta(days=2),
                            opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9))
get_user_model().objects.create_user("staff", password="rigtigt-kodeord-123")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _csrf(jar) -> str:
    return next(cookie.value for cookie in jar if cookie.name == "csrftoken")


def _answer(base: str) -> bool:
    opener, jar = _opener()
    page = opener.open(f"{base}/hoeringer/bench/svar/", timeout=30).read().decode()
    token = re.search(r'name="idempotency_token" value="(\w+)"', page).group(1)
    data = urllib.parse.urlencode({
        "csrfmiddlewaretoken": _csrf(jar), "idempotency_token": token,
        "respondent_kind": "citizen", "text": "Et høringssvar fra benchmarken.",
    }).encode()
    answer = opener.open(urllib.request.Request(f"{base}/hoeringer/bench/svar/", data=data,  # noqa: S310 - loopback
                                                headers={"Referer": base + "/"}), timeout=30)
    return "/kvittering/" in answer.geturl()


def _guess(base: str, stop: threading.Event, statuses: Counter, lock: threading.Lock) -> None:
    opener, jar = _opener()
    opener.open(f"{base}/login/", timeout=30).read()
    number = 0
    while not stop.is_set():
        number += 1
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": _csrf(jar), "username": "staff",
                                       "password": f"gæt-{number}"}).encode()
        try:
            status = opener.open(urllib.request.Request(  # noqa: S310 - loopback
                f"{base}/login/", data=data, headers={"Referer": base + "/"}), timeout=30).status
        except urllib.error.HTTPError as error:
            status = error.code
        with lock:
            statuses[status] += 1


def _phase(base: str, seconds: float, guessers: int) -> tuple[float, Counter]:
    stop, lock, statuses = threading.Event(), threading.Lock(), Counter()
    threads = [threading.Thread(target=_guess, args=(base, stop, statuses, lock))
               for _ in range(guessers)]
    for thread in threads:
        thread.start()
    answers, started = 0, time.monotonic()
    while time.monotonic() - started < seconds:
        answers += _answer(base)
    elapsed = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join(60)
    return answers / elapsed, statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--guessers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--failure-limit", type=int, default=5,
                        help="SAMSKAB_LOGIN_FAILURE_LIMIT (a huge value: no lockout, as before)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "SAMSKAB_VAR_DIR": var, "SAMSKAB_INSECURE_HTTP": "true",
               "SAMSKAB_LOG_LEVEL": "CRITICAL", "DJANGO_SETTINGS_MODULE": "samskab.settings",
               "SAMSKAB_LOGIN_FAILURE_LIMIT": str(args.failure_limit)}
        env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "samskab.cli", "migrate", "-v", "0"], env=env,
                       check=True)
        subprocess.run([sys.executable, "-m", "samskab.cli", "collectstatic", "--noinput",
                        "-v", "0"], env=env, check=True)
        subprocess.run([sys.executable, "-c", SETUP], env=env, check=True)  # noqa: S603 - fixed arguments
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "gunicorn", "samskab.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", str(args.workers), "--worker-class", "sync",
             "--log-level", "error"], env=env, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/", timeout=2).read()  # noqa: S310 - loopback
                    break
                except OSError:
                    time.sleep(0.2)
            alone, _ = _phase(base, args.seconds, 0)
            guessed, statuses = _phase(base, args.seconds, args.guessers)
        finally:
            server.terminate()
            server.wait(30)
    print(f"public form alone: {alone:.1f} answers/s")
    print(f"public form with {args.guessers} password guessers: {guessed:.1f} answers/s")
    print("guessers were answered: " + ", ".join(f"{count} × {status}"
                                                 for status, count in sorted(statuses.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
