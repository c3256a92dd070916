"""Benchmark: `samskab analyse-consultation` end to end (database → engine → database).

    .venv/bin/python bench/analyse_command.py [--n 100000] [--databases sqlite,postgresql]
                                              [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
                                              [--pg-db samskab_bench_analyse] [--runs 2]

For each database it builds a fresh database (SQLite in a temporary directory; on PostgreSQL
the database --pg-db next to the one in --pg-url, dropped first and afterwards), stores N
generated responses (`bench.generate`, the engine benchmark's corpus: campaigns, ideas,
pleasantries; 3 % with an attachment's extracted text) in one consultation, then runs the real
command `samskab analyse-consultation bench` in a child process `--runs` times (the first run
stores everything, a rerun compares with what is stored). For each run it prints the wall time
with the load average beside it, the child's CPU time (user + system; the database server's
own CPU on PostgreSQL is not in it), its peak resident set size (the command runs in a fresh
process of its own, `call_command` as the CLI does, at normal priority: `nice=0`), the run's
own stage times (read, engine, store) and peak RSS after each stage from `AnalysisRun.summary`,
and on SQLite how long another connection waited for the write lock during the run (a probe
every 20 ms). The corpus is stored through executemany, LOAD_CHUNK rows per transaction.
"""

import argparse
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ["citizen"] * 6 + ["ngo", "business", "authority_municipality", "research"]
# Rows stored per transaction by the loader.
LOAD_CHUNK = 10_000


def load(n: int, seed: int) -> float:
    """Runs inside a process whose environment names the fresh database: migrate and store
    the corpus. Returns the seconds it took.

    The rows go in through the DB-API's executemany with explicit ids (the tables are empty:
    a fresh database), LOAD_CHUNK rows per transaction: the ORM's per-row cost would take
    about as long as the database's own work (its full-text triggers included) at 1,000,000."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.generate import generate
    from samskab.consultations.models import Attachment, Consultation, Respondent, Response

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if Respondent.objects.exists() or Response.objects.exists():
        raise SystemExit("the bench database must be fresh")
    corpus = generate(n, seed)
    cph = ZoneInfo("Europe/Copenhagen")
    opens = datetime(2012, 2, 3, 9, tzinfo=cph)
    consultation = Consultation.objects.create(
        slug="bench", title_da="Benchmark-høring", published_at=opens, opens_at=opens,
        closes_at=datetime(2012, 3, 1, tzinfo=cph), reference_prefix="A",
    )
    rng = random.Random(seed)
    # Every column as Django would store it for a prototype row; per row only a few change.
    respondent_sql, respondent_row, respondent_at = _insert_of(
        Respondent(kind="citizen", name=""), ["id", "kind", "name"])
    response_sql, response_row, response_at = _insert_of(
        Response(reference="", consultation=consultation, respondent_id=0, channel="web",
                 received_at=opens),
        ["id", "reference", "respondent", "respondent_kind", "text", "language", "received_at"])
    adapt = connection.ops.adapt_datetimefield_value
    attachments = []
    for first in range(0, n, LOAD_CHUNK):
        respondents, responses = [], []
        for i, record in enumerate(corpus.records[first:first + LOAD_CHUNK], start=first + 1):
            kind = rng.choice(KINDS)
            row = list(respondent_row)
            for at, value in zip(respondent_at, (i, kind, f"Person {i}"), strict=True):
                row[at] = value
            respondents.append(row)
            row = list(response_row)
            for at, value in zip(response_at, (
                    i, f"A-{i:07d}", i, kind, record["text"], record.get("language") or "",
                    adapt(opens + timedelta(seconds=i - 1))), strict=True):
                row[at] = value
            responses.append(row)
            if rng.random() < 0.03:
                attachments.append(Attachment(
                    response_id=i, file="", original_name="bilag.pdf", sha256="0" * 64,
                    size=1000, extraction_status="ok",
                    extracted_text=corpus.records[rng.randrange(n)]["text"]))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(respondent_sql, respondents)
            cursor.executemany(response_sql, responses)
            Attachment.objects.bulk_create(attachments)
        attachments = []
        print(f"loaded {min(first + LOAD_CHUNK, n):,}/{n:,} "
              f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Respondent, Response):
                table = model._meta.db_table
                sql = (f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                       f"(SELECT max(id) FROM {table}))")
                cursor.execute(sql)
            cursor.execute("ANALYZE")
    Consultation.objects.filter(pk=consultation.pk).update(last_reference_number=n)
    return time.perf_counter() - started


def _insert_of(prototype, varying: list[str]) -> tuple[str, list, list[int]]:
    """The INSERT of every concrete column of ``prototype``'s model, the prototype's values
    as Django stores them, and where the ``varying`` fields' values go in a row."""
    from django.db import connection

    fields = prototype._meta.concrete_fields
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    sql = (f"INSERT INTO {qn(prototype._meta.db_table)} ({columns}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    row = [f.get_db_prep_save(getattr(prototype, f.attname), connection) for f in fields]
    names = [f.name for f in fields]
    return sql, row, [names.index(v) for v in varying]


def analyse() -> dict:
    """The command, run in this (fresh) process as `samskab analyse-consultation bench`
    runs it; then this process's own CPU time and peak RSS, and the run's summary."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
    django.setup()
    from django.core.management import call_command

    from samskab.insights.models import AnalysisRun

    if os.environ.get("BENCH_STORE_CHUNK"):  # --store-chunk: rows per write transaction
        from samskab.insights import bulk_writes

        bulk_writes.STORE_CHUNK = int(os.environ["BENCH_STORE_CHUNK"])
    call_command("analyse_consultation", "bench", nice=0, stdout=sys.stderr)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the engine's, if it used any
    run = AnalysisRun.objects.filter(finished_at__isnull=False).order_by("-pk").first()
    return {"cpu": usage.ru_utime + usage.ru_stime + workers.ru_utime + workers.ru_stime,
            "peak_mb": max(usage.ru_maxrss, workers.ru_maxrss) / 1024,
            "summary": run.summary}


def _pg(base: str, name: str, *, drop_only: bool = False) -> str:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # name: checked below
        if not drop_only:
            conn.execute(f"CREATE DATABASE {name}")
    prefix, _slash, _old = base.rpartition("/")
    return f"{prefix}/{name}"


class WriteLockProbe:
    """SQLite: while a run goes on, another connection takes the write lock (``BEGIN
    IMMEDIATE``; ``COMMIT``) every ``every`` seconds, as an answer arriving would (saying
    that it waits and trying again every few milliseconds, as the application's writers do:
    ``samskab.core.writers``; SQLite's busy handler would add its own sleeps), and records
    how long each took: the longest is about the longest the run held the lock (plus this
    thread's own scheduling on a loaded machine)."""

    def __init__(self, path: Path, every: float = 0.02):
        import threading

        self.path, self.every = path, every
        self.waits: list[float] = []
        self.long: list[tuple[float, float]] = []  # (seconds into the run, wait) over 250 ms
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import sqlite3

        from samskab.core.writers import begin_immediate, waiting

        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        started = time.perf_counter()
        while not self.stop.wait(self.every):
            t0 = time.perf_counter()
            with waiting(str(self.path)):
                begin_immediate(conn, 60_000)
            conn.execute("COMMIT")
            self.waits.append(time.perf_counter() - t0)
            if self.waits[-1] > 0.25:
                self.long.append((t0 - started, self.waits[-1]))
        conn.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def report(self) -> str:
        w = sorted(self.waits)
        if not w:
            return "write-lock probe: no probes"
        ms = [1000 * w[len(w) // 2], 1000 * w[min(len(w) - 1, int(0.99 * len(w)))], 1000 * w[-1]]
        return (f"   write-lock probe (BEGIN IMMEDIATE every {1000 * self.every:.0f} ms during "
                f"the run): {len(w):,} probes, waited median {ms[0]:.1f} ms, p99 {ms[1]:.1f} ms, "
                f"max {ms[2]:.1f} ms; over 250 ms at (s into the run: wait ms) "
                + (", ".join(f"{at:.0f}: {1000 * w:.0f}" for at, w in self.long[:20]) or "none"))


def _child(env: dict, *args: str) -> tuple[dict, float]:
    """Run this script as a child with ``args``; returns its last line (JSON) and the wall
    seconds."""
    t0 = time.perf_counter()
    out = subprocess.run(  # noqa: S603 - this script, fixed arguments
        [sys.executable, __file__, "--child", *args], env=env, cwd=ROOT, check=True,
        stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1]), time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--pg-db", default="samskab_bench_analyse")
    parser.add_argument("--var", help="keep the SQLite database in this (empty) directory, "
                                      "e.g. for `bench/inbox.py --var DIR` to time the pages")
    parser.add_argument("--store-chunk", type=int,
                        help="rows the run writes per transaction (default: the run's own "
                             "bulk_writes.STORE_CHUNK)")
    parser.add_argument("--child", choices=["load", "analyse"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "load":
        print(json.dumps({"load_seconds": load(args.n, args.seed)}))
        return 0
    if args.child == "analyse":
        print(json.dumps(analyse()))
        return 0
    if not args.pg_db.isidentifier() or args.pg_db.lower() != args.pg_db:
        parser.error("--pg-db: lower-case letters, digits and _ only")

    for database in args.databases.split(","):
        with tempfile.TemporaryDirectory(prefix="samskab-bench-analyse-") as var:
            env = {**os.environ, "SAMSKAB_VAR_DIR": args.var or var}
            if args.store_chunk:
                env["BENCH_STORE_CHUNK"] = str(args.store_chunk)
            env.pop("DATABASE_URL", None)
            if database == "postgresql":
                env["DATABASE_URL"] = _pg(args.pg_url, args.pg_db)
            try:
                loaded = _child(env, "load", "--n", str(args.n),
                                "--seed", str(args.seed))[0]["load_seconds"]
                print(f"\n== analyse-consultation on {database}: {args.n:,} responses "
                      f"(generated and stored in {loaded:.0f} s) ==")
                print(f"{'run':8} {'wall':>8} {'load':>5} {'CPU':>8} {'peak RSS':>9} "
                      f"{'read':>7} {'engine':>7} {'store':>7}")
                for i in range(1, args.runs + 1):
                    probe = (WriteLockProbe(Path(env["SAMSKAB_VAR_DIR"]) / "samskab.sqlite3")
                             if database == "sqlite" else contextlib.nullcontext())
                    with probe:
                        got, wall = _child(env, "analyse")
                    load_avg = os.getloadavg()[0]
                    s = got["summary"]
                    stored = sum(s.get("store_seconds", {}).values())
                    print(f"{'first' if i == 1 else 'rerun':8} {wall:7.1f}s {load_avg:5.1f} "
                          f"{got['cpu']:7.1f}s {got['peak_mb']:7.0f}MB "
                          f"{s.get('read_seconds', 0):6.1f}s "
                          f"{s.get('engine_seconds', 0):6.1f}s {stored:6.1f}s", flush=True)
                    print(f"   {s.get('groups', 0)} groups, {s.get('proposals', 0)} proposals, "
                          f"{s.get('ideas', 0)} ideas; store stages "
                          f"{json.dumps(s.get('store_seconds', {}))}; peak RSS (MB) after "
                          f"each stage {json.dumps(s.get('peak_mb', {}))}", flush=True)
                    if database == "sqlite":
                        print(probe.report(), flush=True)
            finally:
                if database == "postgresql":
                    _pg(args.pg_url, args.pg_db, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
