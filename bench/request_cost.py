"""Benchmark: the server CPU of one request on the intake path, in process, without HTTP.

    .venv/bin/python bench/request_cost.py [--repeat 300] [--batch 1000] [--profile NAME]
        [--database-url URL]

Calls the WSGI application (`samskab.wsgi`, production settings: DEBUG off) directly with
hand-made WSGI environments, so neither a socket nor a client library is measured: only what
the server does for the request, the work a gunicorn worker does after it has read the bytes.
For each kind of request it prints the CPU time per request (time.process_time, so a busy
machine does not inflate it) and the number of SQL statements:

- `cheapest`: GET / (the list of consultations);
- `minimal form` / `minimal POST` / `minimal receipt`: the yardstick view of bench/intake.py;
- `form GET` / `form POST` / `receipt`: the real response form, as a browser without
  JavaScript sends it (CSRF cookie and token, idempotency token, multipart);
- `API batch`: one POST of --batch records to the batch API (CPU per record printed too).

`--profile NAME` prints a cProfile of that kind of request (the 35 most expensive functions,
by their own time and cumulated), to find where the milliseconds go. Without --database-url the
database is a fresh SQLite file in a temporary directory; a PostgreSQL URL must name an empty
database that may be migrated (it is left behind).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

TEXT = (
    "Vi foreslår, at kommunerne frigiver grunddata gratis og i åbne formater, så borgerne og "
    "virksomhederne kan bruge dem. Det er afgørende for gennemsigtigheden, at alle kan følge "
    "med i, hvordan myndighederne bruger skattekronerne."
)
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
IDEMPOTENCY_INPUT = re.compile(rb'name="idempotency_token" value="([^"]*)"')


def _environment(args) -> Path:
    workdir = Path(tempfile.mkdtemp(prefix="samskab-request-cost-"))
    os.environ.update({
        "SAMSKAB_VAR_DIR": str(workdir), "SAMSKAB_BENCH_VIEWS": "true",
        "SAMSKAB_DEBUG": "false", "SAMSKAB_INSECURE_HTTP": "true",
        "SAMSKAB_STATIC_MANIFEST": "false", "SAMSKAB_LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "samskab.settings",
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'samskab.sqlite3'}",
    })
    return workdir


class Wsgi:
    """Calls a WSGI application as gunicorn would, keeping the cookies it sets."""

    def __init__(self, application):
        self.application = application
        self.cookies: dict[str, str] = {}

    def __call__(self, method: str, path: str, *, body: bytes = b"", content_type: str = "",
                 headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        path, _sep, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_USER_AGENT": "samskab-bench", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
            "wsgi.version": (1, 0), "CONTENT_LENGTH": str(len(body)),
        }
        if content_type:
            environ["CONTENT_TYPE"] = content_type
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        answer: dict = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split(" ", 1)[0])
            answer["headers"] = response_headers

        chunks = self.application(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        found = {}
        for name, value in answer["headers"]:
            if name.lower() == "set-cookie":
                cookie_name, _eq, rest = value.partition("=")
                self.cookies[cookie_name] = rest.split(";", 1)[0]
            else:
                found[name.lower()] = value
        return answer["status"], found, content


def _expect(condition: bool, what) -> None:
    if not condition:
        raise RuntimeError(f"unexpected answer: {what!r}")


def multipart(fields: list[tuple[str, str]]) -> tuple[str, bytes]:
    boundary = "----samskabcost" + uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields]
    parts.append(f"--{boundary}--\r\n")
    return f"multipart/form-data; boundary={boundary}", "".join(parts).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--profile", default="", help="the kind of request to profile")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--queries", action="store_true",
                        help="print the SQL statements of one request of each kind")
    args = parser.parse_args(argv)
    _environment(args)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from datetime import timedelta

    from django.utils import timezone

    from samskab.api import services as api_services
    from samskab.consultations.models import Consultation

    now = timezone.now()
    consultation, _created = Consultation.objects.get_or_create(slug="bench", defaults={
        "title_da": "Benchmark-høring", "published_at": now - timedelta(days=1),
        "opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=30),
        "reference_prefix": "B"})
    from samskab.api.models import ApiToken

    secret = api_services.SECRET_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(consultation=consultation, name="cost", prefix=secret[:10],
                            secret_hash=api_services.secret_hash(secret))
    connection.close()

    from samskab.wsgi import application

    client = Wsgi(application)
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    state: dict = {}

    def cheapest():
        status, _h, _b = client("GET", "/")
        _expect(status == 200, status)

    def minimal_get():
        status, _h, body = client("GET", "/bench/minimal/")
        _expect(status == 200, status)
        state["csrf"] = CSRF_INPUT.search(body).group(1).decode()
        state["token"] = IDEMPOTENCY_INPUT.search(body).group(1).decode()

    def minimal_post():
        content_type, body = multipart([("csrfmiddlewaretoken", state["csrf"]),
                                        ("idempotency_token", state["token"]),
                                        ("text", TEXT)])
        status, headers, _b = client("POST", "/bench/minimal/", body=body,
                                     content_type=content_type)
        _expect(status == 302, status)
        state["location"] = headers["location"]

    def minimal_receipt():
        status, _h, _b = client("GET", state["location"])
        _expect(status == 200, status)

    def form_get():
        status, _h, body = client("GET", "/hoeringer/bench/svar/")
        _expect(status == 200, status)
        state["csrf"] = CSRF_INPUT.search(body).group(1).decode()
        state["token"] = IDEMPOTENCY_INPUT.search(body).group(1).decode()

    def form_post():
        content_type, body = multipart([
            ("csrfmiddlewaretoken", state["csrf"]), ("idempotency_token", state["token"]),
            ("text", TEXT), ("respondent_kind", "citizen"), ("name", ""),
            ("organisation", ""), ("email", ""), ("consent_publish_response", "on")])
        status, headers, answer = client("POST", "/hoeringer/bench/svar/", body=body,
                                         content_type=content_type)
        _expect(status == 302, (status, answer[:3000]))
        state["location"] = headers["location"]

    def form_receipt():
        status, _h, body = client("GET", state["location"])
        _expect(status == 200 and b"B-" in body, status)

    def api_batch():
        body = json.dumps({"responses": [
            {"id": f"r{i}", "text": f"{TEXT} {uuid.uuid4().hex}",
             "idempotency_key": uuid.uuid4().hex, "respondent_kind": "ngo",
             "organisation": "Forening"} for i in range(args.batch)]},
            ensure_ascii=False).encode()
        status, _h, answer = client(
            "POST", "/api/v1/consultations/bench/responses/batch", body=body,
            content_type="application/json", headers={"Authorization": f"Bearer {secret}"})
        _expect(status == 201, (status, answer[:2000]))

    kinds = [
        ("cheapest", [cheapest], 0),
        ("minimal form", [minimal_get, minimal_post, minimal_receipt], 0),
        ("minimal POST", [minimal_get, minimal_post, minimal_receipt], 1),
        ("minimal receipt", [minimal_get, minimal_post, minimal_receipt], 2),
        ("form GET", [form_get, form_post, form_receipt], 0),
        ("form POST", [form_get, form_post, form_receipt], 1),
        ("receipt", [form_get, form_post, form_receipt], 2),
        ("API batch", [api_batch], 0),
    ]
    print(f"load average {os.getloadavg()}; database {connection.vendor}; "
          f"{args.repeat} repetitions (API: {max(3, args.repeat // 100)} of {args.batch})")
    print(f"{'request':18}{'CPU ms':>10}{'queries':>9}")
    totals = {}
    for name, steps, measured in kinds:
        repeat = max(3, args.repeat // 100) if name == "API batch" else args.repeat
        for _ in range(3):  # warm up: templates, translations, connections
            for step in steps:
                step()
        spent = 0.0
        statements.clear()
        # CPU time, not wall time: the machine is shared.
        profile = cProfile.Profile(time.process_time) if args.profile == name else None
        with connection.execute_wrapper(count):
            for _ in range(repeat):
                for index, step in enumerate(steps):
                    if index == measured:
                        before = len(statements)
                        if profile:
                            profile.enable()
                        started = time.process_time()
                        step()
                        spent += time.process_time() - started
                        if profile:
                            profile.disable()
                        state.setdefault(name, 0)
                        state[name] += len(statements) - before
                    else:
                        step()
        if args.queries:
            before = len(statements)
            with connection.execute_wrapper(count):
                for index, step in enumerate(steps):
                    mark = len(statements)
                    step()
                    if index == measured:
                        for sql in statements[mark:]:
                            print(f"    {sql[:300]}")
            del statements[before:]
        per = spent / repeat * 1000
        totals[name] = per
        extra = f"   {per / args.batch * 1000:.1f} µs per record" if name == "API batch" else ""
        print(f"{name:18}{per:>10.2f}{state[name] / repeat:>9.1f}{extra}", flush=True)
        if profile:
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats(order).print_stats(35)
                print(out.getvalue())
    form = totals["form GET"] + totals["form POST"] + totals["receipt"]
    minimal = totals["minimal form"] + totals["minimal POST"] + totals["minimal receipt"]
    print(f"one form answer (GET, POST, receipt): {form:.2f} ms CPU; the minimal view's: "
          f"{minimal:.2f} ms; ratio {minimal / form:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
