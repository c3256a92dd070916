"""Benchmark: the deadline peak, through the real server, the real form and the batch API.

    .venv/bin/python bench/intake.py [--databases sqlite,postgresql] [--browsers 64]
        [--api-clients 4] [--batch 1000] [--seconds 10] [--workers N] [--client-cpu 1]
        [--client-nice -10] [--servers gunicorn,gthread,granian]
        [--scenarios cheapest,minimal,form,api,mixed] [--analysis] [--prefill 0]
        [--pg-url postgresql://postgres@127.0.0.1:5432/postgres] [--json FILE]

For each database it makes a fresh one (SQLite in a temporary directory; on PostgreSQL a
database named `samskab_bench_intake_<pid>` beside the one in --pg-url, so that two runs at
once do not drop each other's, dropped at the end), migrates, creates an open consultation
`bench` and an API token for it (`samskab api-token create`), then starts the real server:
`samskab serve` with production settings (DEBUG off) on 127.0.0.1 only, with
SAMSKAB_BENCH_VIEWS=true so that a minimal Django form-and-insert view is mounted beside the
site. The server is stopped at the end, on error and
on Ctrl-C, and every phase is bounded in time.

Scenarios, each run for --seconds against the same server with the same client:
- `cheapest`: GET / (the list of consultations, the site's cheapest page) by N clients;
- `minimal`:  N browsers through the minimal view: GET its form (CSRF cookie and token), POST,
              GET the receipt page (a SELECT of the row);
- `form`:     N browsers without JavaScript through the real response form: GET the form (CSRF
              cookie and token, idempotency token), POST multipart, follow the redirect to the
              receipt; a 503 is retried after Retry-After with the same token, as a browser's
              "send again" would;
- `api`:      M clients POSTing batches of --batch records to the batch API, each record with
              its own idempotency key;
- `mixed`:    the form's N browsers while M batch clients write and (with --analysis) a full
              `samskab analyse-consultation bench` runs.

Printed per scenario: acknowledged per second (a receipt for the form: a 302 to it, then the
page; 201 for the API, counted per record), latency p50/p95/p99 of the POST and of every
request, errors (anything but the expected answer, 503s counted apart), then, from the database
after the run: lost (acknowledged but not stored) and doubled (one submission stored twice).
The form and minimal figures are also printed as a ratio, which survives a noisy machine.

The load client is one asyncio process on raw sockets (no HTTP library), pinned with
sched_setaffinity to --client-cpu when given; its own CPU time and the server's (all gunicorn
processes, from /proc) are printed beside the figures, so what the client cost is visible.
Real browsers do not share the server's cores: so that the client's own turns on a busy CPU
are not counted as the server's latency, it runs at a higher CPU priority than the server and
the analysis (--client-nice, default -10, where the system allows it; the server and the
analysis are started at the bench's own priority and on every CPU). Its CPU still comes out
of the same two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SLUG = "bench"
MARK = re.compile(r"BENCH\[([A-Za-z0-9:_-]+)\]")
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
IDEMPOTENCY_INPUT = re.compile(rb'name="idempotency_token" value="([^"]*)"')
REFERENCE = re.compile(rb"(B-\d{4,})")
TEXT = (
    "Vi foreslår, at kommunerne frigiver grunddata gratis og i åbne formater, så borgerne og "
    "virksomhederne kan bruge dem. Det er afgørende for gennemsigtigheden, at alle kan følge "
    "med i, hvordan myndighederne bruger skattekronerne."
)


def _samskab() -> list[str]:
    return [sys.executable, "-m", "samskab.cli"]


# The HTTP client --------------------------------------------------------------------------


class Answer:
    __slots__ = ("status", "headers", "body", "cookies")

    def __init__(self, status: int, headers: dict[str, str], body: bytes, cookies: dict):
        self.status = status
        self.headers = headers
        self.body = body
        self.cookies = cookies


async def request(port: int, method: str, path: str, *, headers: dict[str, str] | None = None,
                  body: bytes = b"", timeout: float = 30.0) -> Answer:
    """One HTTP/1.1 exchange on a fresh connection (gunicorn's sync workers close it anyway)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close",
                 "User-Agent: samskab-bench"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        raw = await asyncio.wait_for(_read_answer(reader), timeout)
    finally:
        writer.close()
    head, _sep, content = raw.partition(b"\r\n\r\n")
    if not head:
        raise ConnectionError("empty answer")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    answer_headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    for line in header_lines:
        name, _colon, value = line.partition(":")
        name = name.strip().lower()
        value = value.strip()
        if name == "set-cookie":
            pair = value.split(";", 1)[0]
            cookie_name, _eq, cookie_value = pair.partition("=")
            cookies[cookie_name.strip()] = cookie_value.strip()
        else:
            answer_headers[name] = value
    return Answer(status, answer_headers, content, cookies)


async def _read_answer(reader: asyncio.StreamReader) -> bytes:
    """The answer's head and its Content-Length bytes of body, then the caller closes, as a
    browser does once it has the body: gunicorn's sync worker waits for the client to close
    after its answer (it drains the connection, RFC 9112 9.6), so a client that waited for
    the server's end of the connection first kept a worker idle for a turn of its own event
    loop on every request. Without a Content-Length, up to the server's close."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as short:
        return short.partial
    length = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.IGNORECASE)
    if length is None:
        return head + await reader.read(-1)
    try:
        return head + await reader.readexactly(int(length.group(1)))
    except asyncio.IncompleteReadError as short:
        return head + short.partial


def multipart(fields: list[tuple[str, str]]) -> tuple[str, bytes]:
    boundary = "----samskabbench" + uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n")
    parts.append(f"--{boundary}--\r\n")
    return f"multipart/form-data; boundary={boundary}", "".join(parts).encode()


@dataclass
class Tally:
    """What one scenario measured, across all its clients."""

    acknowledged: int = 0
    acknowledged_keys: list[str] = field(default_factory=list)
    errors: int = 0
    busy: int = 0
    error_kinds: collections.Counter = field(default_factory=collections.Counter)
    post_ms: list[float] = field(default_factory=list)
    all_ms: list[float] = field(default_factory=list)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] += 1


async def _timed(tally: Tally, coro, *, post: bool = False):
    started = time.perf_counter()
    answer = await coro
    elapsed = (time.perf_counter() - started) * 1000
    tally.all_ms.append(elapsed)
    if post:
        tally.post_ms.append(elapsed)
    return answer


async def cheapest_client(port: int, tally: Tally, until: float) -> None:
    while time.monotonic() < until:
        try:
            answer = await _timed(tally, request(port, "GET", "/"), post=True)
        except (OSError, asyncio.TimeoutError, ValueError) as error:
            tally.error(type(error).__name__)
            continue
        if answer.status == 200:
            tally.acknowledged += 1
        else:
            tally.error(str(answer.status))


WARM_UP_SECONDS = 3.0


def warm_up(port: int, *, clients: int, seconds: float) -> None:
    """GET / from `clients` connections for `seconds`, not counted: the server answers once
    its first worker is up, and without this the first scenario would pay for the others
    starting (imports, first queries, templates) and read as slower than it is."""
    tally = Tally()
    until = time.monotonic() + seconds

    async def run() -> None:
        await asyncio.gather(*(cheapest_client(port, tally, until) for _ in range(clients)))

    asyncio.run(run())
    print(f"warm-up: {tally.acknowledged} GET / in {seconds:.0f} s, not counted", flush=True)


async def send_again_until_answered(tally: Tally, port: int, path: str, headers: dict,
                                    body: bytes, *, patience: float,
                                    timeout: float = 30.0) -> Answer | None:
    """POST, and POST the same bytes again (same idempotency token) after a 503 (waiting
    Retry-After) or a lost connection, as a person pressing "send again" would; None when
    `patience` seconds passed without an answer."""
    give_up = time.monotonic() + patience
    while True:
        try:
            answer = await _timed(tally, request(port, "POST", path, headers=headers, body=body,
                                                 timeout=timeout), post=True)
        except (OSError, asyncio.TimeoutError, ValueError) as error:
            tally.error(f"POST {type(error).__name__}")
            if time.monotonic() > give_up:
                return None
            await asyncio.sleep(0.2)
            continue
        if answer.status == 503 and time.monotonic() < give_up:
            tally.busy += 1
            await asyncio.sleep(min(float(answer.headers.get("retry-after", "1")), 2.0))
            continue
        return answer


async def browser(port: int, tally: Tally, until: float, *, minimal: bool,
                  retry_busy_for: float = 30.0) -> None:
    """A browser without JavaScript: form, POST (again after a 503, same token), receipt."""
    form_path = "/bench/minimal/" if minimal else f"/hoeringer/{SLUG}/svar/"
    cookies: dict[str, str] = {}
    while time.monotonic() < until:
        try:
            page = await _timed(tally, request(
                port, "GET", form_path,
                headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
                if cookies else None))
        except (OSError, asyncio.TimeoutError, ValueError) as error:
            tally.error(f"GET form {type(error).__name__}")
            await asyncio.sleep(0.05)
            continue
        cookies.update(page.cookies)
        csrf = CSRF_INPUT.search(page.body)
        token = IDEMPOTENCY_INPUT.search(page.body)
        if page.status != 200 or csrf is None or token is None:
            tally.error(f"GET form {page.status}")
            continue
        key = token.group(1).decode()
        fields = [("csrfmiddlewaretoken", csrf.group(1).decode()), ("idempotency_token", key),
                  ("text", f"{TEXT} BENCH[{key}]")]
        if not minimal:
            fields += [("respondent_kind", "citizen"), ("name", ""), ("organisation", ""),
                       ("email", ""), ("consent_publish_response", "on")]
        content_type, body = multipart(fields)
        headers = {"Content-Type": content_type,
                   "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        answer = await send_again_until_answered(
            tally, port, form_path, headers, body, patience=retry_busy_for)
        if answer is None or answer.status != 302:
            if answer is not None:
                tally.error(f"POST {answer.status}")
            continue
        location = answer.headers.get("location", "")
        try:
            receipt = await _timed(tally, request(port, "GET", location))
        except (OSError, asyncio.TimeoutError, ValueError) as error:
            tally.error(f"GET receipt {type(error).__name__}")
            continue
        if receipt.status == 200 and (minimal or REFERENCE.search(receipt.body)):
            tally.acknowledged += 1
            tally.acknowledged_keys.append(key)
        else:
            tally.error(f"GET receipt {receipt.status}")


async def api_client(port: int, secret: str, tally: Tally, until: float, *, number: int,
                     batch: int) -> None:
    sent = 0
    while time.monotonic() < until:
        keys = [f"c{number}-{sent + i}-{uuid.uuid4().hex[:8]}" for i in range(batch)]
        body = json.dumps({"responses": [
            {"id": key, "text": f"{TEXT} BENCH[{key}]", "idempotency_key": key,
             "respondent_kind": "ngo", "organisation": f"Forening {number}"}
            for key in keys
        ]}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {secret}"}
        answer = await send_again_until_answered(
            tally, port, f"/api/v1/consultations/{SLUG}/responses/batch", headers, body,
            patience=60, timeout=120)
        sent += batch
        if answer is not None and answer.status in (200, 201):
            tally.acknowledged += batch
            tally.acknowledged_keys.extend(keys)
        elif answer is not None:
            tally.error(f"POST {answer.status}")


# The server --------------------------------------------------------------------------------


# The bench's CPU priority and CPUs when it started: the server and the analysis run with
# them, whatever --client-nice and --client-cpu give the client.
_STARTED_AS = (os.getpriority(os.PRIO_PROCESS, 0), sorted(os.sched_getaffinity(0)))


def as_the_bench_started() -> None:
    """In a child before it runs: the priority and CPUs the bench started with."""
    os.setpriority(os.PRIO_PROCESS, 0, _STARTED_AS[0])
    os.sched_setaffinity(0, _STARTED_AS[1])


def raise_client_priority(nice: int) -> str:
    """Run the client at niceness `nice` (lower: it comes first) where allowed."""
    if nice >= _STARTED_AS[0]:
        return f"client at the server's priority (nice {_STARTED_AS[0]})"
    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except PermissionError:
        return (f"client at the server's priority (nice {_STARTED_AS[0]}; nice {nice} is not "
                "permitted here)")
    return f"client at nice {nice}, server and analysis at nice {_STARTED_AS[0]}"


class Server:
    """`samskab serve` on loopback with production settings, in its own process group."""

    def __init__(self, env: dict[str, str], workers: int, log: Path, kind: str = "gunicorn"):
        self.env = env
        self.workers = workers
        self.kind = kind
        self.log = log
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        """`samskab serve` (gunicorn sync workers); for --servers, the same application under
        gunicorn's gthread workers or granian, started directly (an evaluation, not a way
        `samskab serve` offers: see docs/operations.md, The deadline peak)."""
        bind = f"{HOST}:{self.port}"
        if self.kind == "gthread":
            from samskab.web.management.commands.serve import gunicorn_args

            return gunicorn_args(bind, self.workers, threads=4)
        if self.kind == "granian":  # not a dependency: `pip install granian` to compare
            return [sys.executable, "-m", "granian", "samskab.wsgi:application",
                    "--interface", "wsgi", "--host", HOST, "--port", str(self.port),
                    "--workers", str(self.workers), "--blocking-threads", "1",
                    "--runtime-threads", "1", "--http", "1", "--no-ws",
                    "--log-level", "warning"]
        return [*_samskab(), "serve", "--bind", bind, "--workers", str(self.workers),
                "--no-collectstatic"]

    def start(self, timeout: float = 240.0) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
                self.command(),
                env=self.env, stdout=subprocess.DEVNULL, stderr=out, start_new_session=True,
                preexec_fn=as_the_bench_started,  # noqa: PLW1509 - no threads yet
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited; see {self.log}")
            try:
                answer = asyncio.run(request(self.port, "GET", "/", timeout=5))
                if answer.status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not answer within {timeout} s; see {self.log}")

    def pids(self) -> list[int]:
        if self.process is None:
            return []
        group = os.getpgid(self.process.pid) if self.process.poll() is None else None
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if os.getpgid(int(entry.name)) == group:
                        found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(stat[11]) + int(stat[12])) / ticks
        return total

    def kill(self) -> None:
        """SIGKILL the whole server (the master and every worker), as a power cut would."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _run(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    done = subprocess.run(  # noqa: S603 - our own command
        [*_samskab(), *args], env=env, capture_output=True, text=True, timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"samskab {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _child(env: dict[str, str], *args: str, timeout: float = 3600) -> str:
    done = subprocess.run(  # noqa: S603 - this very script
        [sys.executable, str(Path(__file__).resolve()), "--child", *args], env=env,
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
    django.setup()


def child_setup(prefill: int) -> None:
    """The open consultation `bench`, and `prefill` responses bulk-inserted into it: the
    engine benchmark's generated responses (`bench.generate`: campaigns, ideas,
    pleasantries), so that a full analysis during `mixed` finds and stores what it would in a
    real consultation."""
    _django()
    from datetime import timedelta

    from django.utils import timezone

    if str(ROOT) not in sys.path:  # run as a script: bench/ is on the path, not its parent
        sys.path.insert(0, str(ROOT))
    from bench.generate import generate
    from samskab.consultations.models import Consultation, Respondent, Response

    now = timezone.now()
    consultation, _created = Consultation.objects.get_or_create(slug=SLUG, defaults={
        "title_da": "Benchmark-høring", "published_at": now - timedelta(days=1),
        "opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=30),
        "reference_prefix": "B"})
    records = generate(prefill, seed=2012).records if prefill else []
    batch = 5000
    for first in range(0, prefill, batch):
        size = min(batch, prefill - first)
        respondents = Respondent.objects.bulk_create(
            [Respondent(kind="citizen") for _ in range(size)])
        Response.objects.bulk_create([
            Response(reference=f"P-{first + i + 1:07d}", consultation=consultation,
                     respondent=respondent, channel="web", received_at=consultation.opens_at,
                     text=records[first + i]["text"],
                     language=records[first + i].get("language") or "",
                     idempotency_key=f"prefill-{first + i}")
            for i, respondent in enumerate(respondents)
        ])


def child_verify(path: str) -> dict:
    """Lost (acknowledged keys with no stored response) per scenario, and doubled (one
    submission's marker stored more than once), read back from the database."""
    _django()
    from samskab.consultations.models import Respondent, Response

    expected = json.loads(Path(path).read_text())
    texts: collections.Counter = collections.Counter()
    for text in (Response.objects.filter(consultation__slug=SLUG)
                 .values_list("text", flat=True).iterator(chunk_size=5000)):
        found = MARK.search(text)
        if found:
            texts[found.group(1)] += 1
    minimal = collections.Counter(
        Respondent.objects.filter(kind="other", name__contains="BENCH[")
        .values_list("organisation", flat=True).iterator(chunk_size=5000))
    result = {}
    for scenario, keys in expected.items():
        stored = minimal if scenario == "minimal" else texts
        result[scenario] = {"lost": sum(1 for key in keys if stored[key] == 0)}
    result["doubled"] = (sum(n - 1 for n in texts.values() if n > 1)
                         + sum(n - 1 for n in minimal.values() if n > 1))
    result["stored"] = sum(texts.values())
    return result


def _verify(env: dict[str, str], acknowledged: dict[str, list[str]], workdir: Path) -> dict:
    path = workdir / "acknowledged.json"
    path.write_text(json.dumps(acknowledged))
    return json.loads(_child(env, "verify", str(path)))


# Running a scenario -------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_scenario(server: Server, name: str, *, browsers: int, api_clients: int, batch: int,
                 seconds: float, secret: str, analysis_env: dict[str, str] | None = None,
                 ) -> dict:
    tallies: dict[str, Tally] = {}
    analysis: subprocess.Popen | None = None

    async def main() -> None:
        until = time.monotonic() + seconds
        jobs = []
        if name == "cheapest":
            tallies["cheapest"] = Tally()
            jobs += [cheapest_client(server.port, tallies["cheapest"], until)
                     for _ in range(browsers)]
        if name in ("minimal", "form", "mixed"):
            key = "minimal" if name == "minimal" else "form"
            tallies[key] = Tally()
            jobs += [browser(server.port, tallies[key], until, minimal=name == "minimal")
                     for _ in range(browsers)]
        if name in ("api", "mixed") and api_clients:
            tallies["api"] = Tally()
            jobs += [api_client(server.port, secret, tallies["api"], until, number=i,
                                batch=batch) for i in range(api_clients)]
        await asyncio.gather(*jobs)

    load_before = os.getloadavg()
    client_before = os.times()
    server_before = server.cpu_seconds()
    analysis_err = tempfile.TemporaryFile() if analysis_env is not None else None
    if analysis_env is not None:
        analysis = subprocess.Popen(  # noqa: S603 - our own command
            [*_samskab(), "analyse-consultation", SLUG], env=analysis_env,
            stdout=subprocess.DEVNULL, stderr=analysis_err, start_new_session=True,
            preexec_fn=as_the_bench_started,  # noqa: PLW1509 - no threads yet
        )
    started = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - started
    client_after = os.times()
    server_cpu = server.cpu_seconds() - server_before
    analysis_state = None
    if analysis is not None:
        analysis_state = _analysis_outcome(analysis, analysis_err)
    client_cpu = (client_after.user - client_before.user) + (
        client_after.system - client_before.system)
    result = {"scenario": name, "seconds": round(elapsed, 2), "browsers": browsers,
              "api_clients": api_clients if name in ("api", "mixed") else 0,
              "load_before": [round(x, 2) for x in load_before],
              "load_after": [round(x, 2) for x in os.getloadavg()],
              "client_cpu_share": round(client_cpu / elapsed, 3),
              "server_cpu_share": round(server_cpu / elapsed, 3),
              "analysis": analysis_state, "parts": {}}
    for part, tally in tallies.items():
        result["parts"][part] = {
            "acknowledged": tally.acknowledged,
            "acknowledged_per_s": round(tally.acknowledged / elapsed, 1),
            # What the server did per second of CPU it got: on a machine shared with other
            # work this, not the wall-clock rate, says what two free cores would do.
            "acknowledged_per_server_cpu_s": round(tally.acknowledged / server_cpu, 1)
            if server_cpu else None,
            "post_p50_ms": round(percentile(tally.post_ms, 0.50), 1),
            "post_p95_ms": round(percentile(tally.post_ms, 0.95), 1),
            "post_p99_ms": round(percentile(tally.post_ms, 0.99), 1),
            "all_p99_ms": round(percentile(tally.all_ms, 0.99), 1),
            "requests": len(tally.all_ms),
            "errors": tally.errors, "error_kinds": dict(tally.error_kinds.most_common(5)),
            "busy_503": tally.busy,
        }
        result["parts"][part]["_keys"] = tally.acknowledged_keys
    return result


def _analysis_outcome(analysis: subprocess.Popen, err) -> str:
    """How the full analysis run beside a scenario ended: "finished" (exit 0), "failed (exit
    N)" with the end of its stderr printed, or "still running" (then stopped: it counts
    neither way)."""
    code = analysis.poll()
    if code is None:
        os.killpg(analysis.pid, signal.SIGTERM)
        analysis.wait(30)
        err.close()
        return "still running"
    if code != 0:
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
        print(f"analysis failed (exit {code}):\n{tail}", file=sys.stderr, flush=True)
    err.close()
    return "finished" if code == 0 else f"failed (exit {code})"


def _database(kind: str, pg_url: str, workdir: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'samskab.sqlite3'}", lambda: None
    import psycopg

    # one database per run (the pid): two runs at once must not drop each other's
    name = f"samskab_bench_intake_{os.getpid()}"
    prefix = pg_url.rpartition("/")[0]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return f"{prefix}/{name}", drop


def bench_database(kind: str, args, server_kind: str = "gunicorn") -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"samskab-intake-{kind}-"))
    url, drop = _database(kind, args.pg_url, workdir)
    env = {**os.environ, "DATABASE_URL": url, "SAMSKAB_VAR_DIR": str(workdir),
           "SAMSKAB_BENCH_VIEWS": "true", "SAMSKAB_DEBUG": "false",
           "SAMSKAB_INSECURE_HTTP": "true",  # plain HTTP on loopback
           "SAMSKAB_STATIC_MANIFEST": "false",  # served without collectstatic
           "DJANGO_SETTINGS_MODULE": "samskab.settings", "SAMSKAB_LOG_LEVEL": "ERROR"}
    server = Server(env, args.workers, workdir / "server.log", server_kind)
    results = []
    try:
        _run(env, "migrate", "--verbosity", "0")
        _child(env, "setup", str(args.prefill))
        secret = _run(env, "api-token", "create", SLUG, "bench").strip().split()[-1]
        server.start()
        warm_up(server.port, clients=args.browsers, seconds=WARM_UP_SECONDS)
        for name in args.scenarios.split(","):
            analysis_env = env if (name == "mixed" and args.analysis) else None
            result = run_scenario(server, name, browsers=args.browsers,
                                  api_clients=args.api_clients, batch=args.batch,
                                  seconds=args.seconds, secret=secret,
                                  analysis_env=analysis_env)
            results.append(result)
            print(_line(kind, result), flush=True)
        acknowledged = {f"{r['scenario']}:{part}" if part != "minimal" else "minimal":
                        figures["_keys"]
                        for r in results for part, figures in r["parts"].items()
                        if part != "cheapest"}
        checked = _verify(env, acknowledged, workdir)
        for r in results:
            for part, figures in r["parts"].items():
                label = "minimal" if part == "minimal" else f"{r['scenario']}:{part}"
                figures["lost"] = checked.get(label, {}).get("lost", 0)
                del figures["_keys"]
        summary = {"database": kind, "server": server_kind, "workers": args.workers,
                   "results": results,
                   "doubled": checked["doubled"], "stored_responses": checked["stored"]}
    finally:
        server.stop()
        drop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return summary


def _line(kind: str, result: dict) -> str:
    parts = []
    for part, f in result["parts"].items():
        parts.append(f"{part}: {f['acknowledged_per_s']}/s p50/p95/p99 {f['post_p50_ms']}/"
                     f"{f['post_p95_ms']}/{f['post_p99_ms']} ms (all requests p99 "
                     f"{f['all_p99_ms']}) errors {f['errors']} 503 {f['busy_503']}")
    return (f"{kind:10} {result['scenario']:8} N={result['browsers']} M={result['api_clients']} "
            + " | ".join(parts)
            + f" | client CPU {result['client_cpu_share']:.2f} server CPU "
              f"{result['server_cpu_share']:.2f} load {result['load_before'][0]}"
            + (f" analysis {result['analysis']}" if result["analysis"] else ""))


def report(summary: dict) -> None:
    kind = summary["database"]
    print(f"\n== {kind}: {summary['server']}, {summary['workers']} workers, "
          f"{os.environ.get('SAMSKAB_API_BATCH_SLOTS', max(1, (os.cpu_count() or 2) // 2))} "
          f"batch API slot(s); stored bench responses "
          f"{summary['stored_responses']}; doubled {summary['doubled']}")
    print(f"{'scenario':22}{'ack/s':>9}{'p50':>8}{'p95':>8}{'p99':>8}{'all p99':>9}"
          f"{'errors':>8}{'503':>6}{'lost':>6}{'client CPU':>12}{'server CPU':>12}"
          f"{'ack/CPU-s':>11}{'load':>7}")
    by_name = {}
    for r in summary["results"]:
        for part, f in r["parts"].items():
            label = part if r["scenario"] == part else f"{r['scenario']}:{part}"
            by_name[label] = f
            print(f"{label:22}{f['acknowledged_per_s']:>9}{f['post_p50_ms']:>8}"
                  f"{f['post_p95_ms']:>8}{f['post_p99_ms']:>8}{f['all_p99_ms']:>9}"
                  f"{f['errors']:>8}{f['busy_503']:>6}{f.get('lost', '-'):>6}"
                  f"{r['client_cpu_share']:>12.2f}{r['server_cpu_share']:>12.2f}"
                  f"{f['acknowledged_per_server_cpu_s'] or 0:>11}{r['load_before'][0]:>7}")
            if f["error_kinds"]:
                print(f"{'':22}errors: {f['error_kinds']}")
    if "form" in by_name and "minimal" in by_name and by_name["minimal"]["acknowledged_per_s"]:
        ratio = by_name["form"]["acknowledged_per_s"] / by_name["minimal"]["acknowledged_per_s"]
        print(f"form / minimal form-and-insert view: {ratio:.2f} of its acknowledged/s")
        per_cpu = [by_name[k]["acknowledged_per_server_cpu_s"] for k in ("form", "minimal")]
        if all(per_cpu):
            print(f"form / minimal per server CPU-second: {per_cpu[0] / per_cpu[1]:.2f}")
    if "form" in by_name and "cheapest" in by_name and by_name["cheapest"]["acknowledged_per_s"]:
        ratio = by_name["form"]["acknowledged_per_s"] / by_name["cheapest"]["acknowledged_per_s"]
        print(f"form submissions / cheapest page GETs: {ratio:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--browsers", type=int, default=64)
    parser.add_argument("--api-clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: what `samskab serve` starts, 4 per "
                             "core, as docs/operations.md recommends)")
    parser.add_argument("--scenarios", default="cheapest,minimal,form,api,mixed")
    parser.add_argument("--servers", default="gunicorn",
                        help="the WSGI servers to compare, one after the other on each "
                             "database: gunicorn (`samskab serve`, sync workers), gthread "
                             "(gunicorn, 4 threads a worker), granian (if installed)")
    parser.add_argument("--analysis", action="store_true",
                        help="run a full analysis of the consultation during `mixed`")
    parser.add_argument("--prefill", type=int, default=0,
                        help="responses to bulk-insert into the consultation first")
    parser.add_argument("--client-cpu", type=int, default=None,
                        help="pin the load client to this CPU (sched_setaffinity)")
    parser.add_argument("--client-nice", type=int, default=-10,
                        help="the load client's niceness, below the server's so that its own "
                             "waits for a CPU are not counted as the server's latency "
                             "(default -10; 0: the server's priority)")
    parser.add_argument("--pg-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        what, value = args.child
        if what == "setup":
            child_setup(int(value))
        else:
            print(json.dumps(child_verify(value)))
        return 0
    # A SIGTERM (or `timeout`) ends the run through the `finally` that stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.workers is None:
        args.workers = 4 * (os.cpu_count() or 1)
    if args.client_cpu is not None:
        os.sched_setaffinity(0, {args.client_cpu})
    priority = raise_client_priority(args.client_nice)
    print(f"load average before: {os.getloadavg()}; CPUs: {os.cpu_count()}; client pinned to "
          f"{sorted(os.sched_getaffinity(0))}; {priority}", flush=True)
    summaries = []
    for kind in args.databases.split(","):
        for server_kind in args.servers.split(","):
            summary = bench_database(kind.strip(), args, server_kind.strip())
            summaries.append(summary)
            report(summary)
    if args.json:
        Path(args.json).write_text(json.dumps(summaries, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
