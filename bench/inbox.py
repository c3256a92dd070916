"""Benchmark: the staff inbox on 100,000 responses, with filters and Danish full-text search.

    .venv/bin/python bench/inbox.py [--n 100000] [--databases sqlite,postgresql]
                                    [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]
                                    [--var DIR] [--pg-db NAME --keep]

For each database it builds a fresh database (SQLite in a temporary directory; on PostgreSQL a
database named `samskab_bench_inbox` (or --pg-db) next to the one in --pg-url, dropped first),
migrates,
bulk-inserts N responses (5 % with an attachment's extracted text) so the search triggers index
them as they go, and times whole inbox pages through Django's test client as a logged-in
moderator: rendering, counting and paging included. Prints one line per scenario with the
median and worst of the runs, the CPU time per page (this process's, which on SQLite includes
the database's work, plus on PostgreSQL the server process's, read from /proc) and the load
average, since the machine is shared and wall times grow with it. Deterministic: the same N
gives the same data.

`--var DIR` keeps the SQLite database in DIR and `--keep` keeps the PostgreSQL database: a
second run with the same option reuses it (migrating it first), so a 1,000,000-response
database is built once.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "samskab_bench_inbox"
_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

SUBJECTS = ["Kommunerne", "Staten", "Regionerne", "Myndighederne", "Digitaliseringsstyrelsen",
            "Ministerierne", "Folketinget", "Borgerne", "Foreningerne", "Virksomhederne"]
VERBS = ["bør offentliggøre", "skal dele", "må gøre adgangen til", "bør forbedre",
         "skal åbne", "kan udvikle", "bør inddrage borgerne i", "skal beskrive"]
OBJECTS = ["grunddata", "budgetdata", "miljødata", "data om offentlige indkøb", "ventetider",
           "trafikdata", "aktindsigt", "høringsportalen", "selvbetjeningsløsninger",
           "telemedicin", "klimadata", "skolernes resultater", "tilskud til foreninger"]
TAILS = ["så alle kan bruge dem.", "hurtigst muligt.", "i et åbent format.",
         "uden brugerbetaling.", "med klare frister.", "og måle effekten hvert år.",
         "på en måde, der er til at forstå.", "i samarbejde med civilsamfundet."]
OPENERS = ["Vi foreslår, at", "Jeg mener, at", "Forslagene fra sidste år viser, at",
           "Mit forslag er, at", "Det er vigtigt, at", "Foreningen anbefaler, at",
           "Som borger oplever jeg, at", "Høringssvaret handler om, at"]
KINDS = ["citizen"] * 6 + ["ngo", "ngo", "business", "authority_municipality", "research",
                           "authority_state", "authority_region", "other"]
CHANNELS = ["web"] * 6 + ["email", "email", "email", "letter", "api", "import"]


def _text(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(2, 7)):
        sentences.append(f"{rng.choice(OPENERS)} {rng.choice(SUBJECTS).lower()} "
                         f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}")
    return " ".join(sentences)


SCENARIOS = [
    ("first page, newest first", ""),
    ("filter status=received & kind=ngo", "status=received&kind=ngo"),
    ("filter late & has attachment", "late=yes&attachment=yes"),
    ("filter language=en, sort kind", "language=en&sort=kind"),
    ("page 1000 (deep paging)", "side=1000&sort=received"),
    ("search 'forslag'", "q=forslag"),
    ("search 'telemedicin uden brugerbetaling'", "q=telemedicin+uden+brugerbetaling"),
    ("search 'grunddata' + kind=citizen + channel=email", "q=grunddata&kind=citizen&channel=email"),
    ("search in attachments 'vindmøller'", "q=vindm%C3%B8ller"),
    ("search rare word 'aktindsigt' page 3", "q=aktindsigt&side=3"),
    ("search reference number 'b-000123'", "q=b-000123"),
    ("search sender e-mail 'P4567@mail.example'", "q=P4567%40mail.example"),
    ("search organisation 'Forening 123'", "q=Forening+123"),
]


def child(n: int, runs: int) -> dict:
    """Runs inside a process whose DATABASE_URL names the fresh database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from samskab.consultations.models import Attachment, Consultation, Respondent, Response

    call_command("migrate", verbosity=0)
    existing = Consultation.objects.filter(slug="bench").first()
    if existing is not None:  # --var DIR / --keep: a database kept from an earlier run
        with connection.cursor() as cursor:
            # statistics for indexes a migration just added, and on PostgreSQL the visibility
            # map a migration's UPDATE cleared (as autovacuum would do soon after it)
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        return _time_pages(existing, runs, load_seconds=0.0)
    cph = ZoneInfo("Europe/Copenhagen")
    opens = datetime(2012, 2, 3, 9, tzinfo=cph)
    closes = datetime(2012, 3, 1, tzinfo=cph)
    consultation = Consultation.objects.create(
        slug="bench", title_da="Benchmark-høring", published_at=opens, opens_at=opens,
        closes_at=closes, reference_prefix="B",
    )
    rng = random.Random(20120301)
    started = time.perf_counter()
    batch = 5000
    for first in range(0, n, batch):
        size = min(batch, n - first)
        respondents = Respondent.objects.bulk_create([
            Respondent(kind=rng.choice(KINDS), name=f"Person {first + i}",
                       organisation="" if rng.random() < 0.6 else f"Forening {rng.randint(1, 900)}",
                       email=f"p{first + i}@mail.example")
            for i in range(size)
        ])
        responses = []
        for i, respondent in enumerate(respondents):
            number = first + i + 1
            late = rng.random() < 0.02
            received = (closes + timedelta(hours=rng.randint(1, 72)) if late else
                        opens + timedelta(seconds=rng.randint(0, 26 * 86400)))
            responses.append(Response(
                reference=f"B-{number:06d}", consultation=consultation, respondent=respondent,
                respondent_kind=respondent.kind,
                channel=rng.choice(CHANNELS), received_at=received, text=_text(rng),
                language="en" if rng.random() < 0.05 else "da", late=late,
            ))
        created = Response.objects.bulk_create(responses)
        Attachment.objects.bulk_create([
            Attachment(response=r, file="", original_name="bilag.pdf", sha256="0" * 64,
                       size=1000, extraction_status="ok",
                       extracted_text="Bilaget foreslår flere vindmøller og " + _text(rng))
            for r in created if rng.random() < 0.05
        ])
        if (first + size) % 100_000 == 0:
            print(f"  {first + size:,} responses loaded", file=sys.stderr, flush=True)
    Consultation.objects.filter(pk=consultation.pk).update(last_reference_number=n)
    load_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        # As autovacuum would after a bulk load: statistics, and on PostgreSQL the visibility
        # map that lets counts and paging read indexes only.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return _time_pages(consultation, runs, load_seconds=load_seconds)


def _time_pages(consultation, runs: int, *, load_seconds: float) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, _created = get_user_model().objects.get_or_create(username="bench-moderator")
    user.groups.add(*Group.objects.filter(name__in=["moderator", "analyst"]))
    client = Client()
    client.force_login(user)
    # as the sign-in does after the second factor (staff pages ask for it)
    from samskab.core import accounts

    session = client.session
    accounts.session_mark_verified(session, accounts.totp_device_ensure(user))
    session.save()
    url = f"/medarbejder/hoeringer/{consultation.slug}/svar/"
    results = []
    for label, target in [(label, f"{url}?{query}" if query else url)
                          for label, query in SCENARIOS] + _analysis_pages(consultation):
        client.get(target, secure=True)  # warm the caches once (production settings: HTTPS)
        timings, cpu, sql, loads = [], [], [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                t0, c0, d0 = time.perf_counter(), time.process_time(), _db_cpu(connection)
                page = client.get(target, secure=True)
                timings.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0 + _db_cpu(connection) - d0) * 1000)
            loads.append(os.getloadavg()[0])
            assert page.status_code == 200, (target, page.status_code)  # noqa: S101
            sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        html = page.content.decode()
        count = ""
        if 'id="inbox-count">' in html:
            words = html.split('id="inbox-count">', 1)[1].split()
            count = f">{words[2]}" if words[0] == "Mere" else words[0]  # "Mere end 10.000 …"
        results.append({"scenario": label, "median_ms": statistics.median(timings),
                        "max_ms": max(timings), "cpu_ms": statistics.median(cpu),
                        "sql_ms": statistics.median(sql), "load": statistics.median(loads),
                        "queries": len(queries.captured_queries),
                        "matches": count})
    n = consultation.responses.count()
    return {"vendor": connection.vendor, "n": n, "load_seconds": load_seconds,
            "results": results}


def _db_cpu(connection) -> float:
    """CPU seconds the database spent for this connection so far: on PostgreSQL its server
    process's (read from /proc, same machine); on SQLite nothing apart from this process."""
    if connection.vendor != "postgresql":
        return 0.0
    if not hasattr(connection, "_bench_backend"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            connection._bench_backend = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{connection._bench_backend}/stat").read_text().rsplit(")", 1)[1]
    except OSError:  # the server on another machine: its CPU is not counted
        return 0.0
    utime, stime = fields.split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


def _analysis_pages(consultation) -> list[tuple[str, str]]:
    """The analysis pages of the consultation, when it has been analysed (e.g. a database
    kept by `bench/analyse_command.py --var DIR`): overview, groups, tag review, tag quality,
    ideas, set-aside text, and the largest group and idea."""
    from django.urls import reverse

    from samskab.insights.models import AnalysisRun, Idea, ResponseGroup

    if not AnalysisRun.objects.filter(consultation=consultation,
                                      finished_at__isnull=False).exists():
        return []
    pages = [(f"analysis: {name}", reverse(f"insights:{name}", args=[consultation.slug]))
             for name in ["overview", "groups", "tags", "tag_quality", "ideas", "set_aside"]]
    group = ResponseGroup.objects.filter(consultation=consultation).order_by("-size").first()
    idea = Idea.objects.filter(consultation=consultation).order_by("-proposal_count").first()
    if group is not None:
        pages.append((f"analysis: largest group ({group.size:,})",
                      reverse("insights:group", args=[group.pk])))
    if idea is not None:
        pages.append((f"analysis: largest idea ({idea.proposal_count:,})",
                      reverse("insights:idea", args=[idea.pk])))
    return pages


def _pg_url(base: str, name: str) -> str:
    prefix, _slash, _name = base.rpartition("/")
    return f"{prefix}/{name}"


def _fresh_pg(base: str, name: str, *, keep: bool) -> str:
    """The bench database's URL: created empty, or (with `keep`) reused when it exists."""
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and keep:
            return _pg_url(base, name)
        # `name` matched _DB_NAME: a plain identifier
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return _pg_url(base, name)


def _drop_pg(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--var", help="keep the SQLite database in this directory and reuse it")
    parser.add_argument("--pg-db", default=BENCH_DB, help="the PostgreSQL bench database's name")
    parser.add_argument("--keep", action="store_true",
                        help="keep the PostgreSQL bench database and reuse it when it exists")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.n, args.runs)))
        return 0

    if not _DB_NAME.match(args.pg_db):
        parser.error("--pg-db: lower-case letters, digits and _ only")
    for database in args.databases.split(","):
        with tempfile.TemporaryDirectory(prefix="samskab-bench-") as var:
            # production settings, with static files served unhashed (no collectstatic here)
            env = {**os.environ, "SAMSKAB_VAR_DIR": args.var or var,
                   "SAMSKAB_STATIC_MANIFEST": "false"}
            if database == "postgresql":
                env["DATABASE_URL"] = _fresh_pg(args.pg_url, args.pg_db, keep=args.keep)
            else:
                env.pop("DATABASE_URL", None)
            try:
                out = subprocess.run(  # noqa: S603 - our own script, fixed arguments
                    [sys.executable, __file__, "--child", "--n", str(args.n),
                     "--runs", str(args.runs)],
                    env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
                ).stdout
            finally:
                if database == "postgresql" and not args.keep:
                    _drop_pg(args.pg_url, args.pg_db)
        report = json.loads(out.strip().splitlines()[-1])
        print(f"\n== inbox on {report['vendor']}: {report['n']:,} responses "
              f"(bulk load incl. search indexing: {report['load_seconds']:.1f} s) ==")
        print(f"{'scenario':52} {'median':>9} {'max':>9} {'CPU':>9} {'of it SQL':>9} "
              f"{'queries':>8} {'matches':>8} {'load':>5}")
        for row in report["results"]:
            print(f"{row['scenario']:52} {row['median_ms']:7.1f}ms {row['max_ms']:7.1f}ms "
                  f"{row['cpu_ms']:7.1f}ms {row['sql_ms']:7.1f}ms {row['queries']:8d} "
                  f"{row['matches']:>8} {row['load']:5.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
