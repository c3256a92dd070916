"""Benchmark: the plan and consultation dashboards with 1,000,000 responses and a plan of 50
commitments.

    .venv/bin/python bench/dashboards.py [--n 1000000] [--databases sqlite,postgresql]
                                         [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]

For each database it builds a fresh database (SQLite in a temporary directory, or --var DIR to
keep and reuse it; on PostgreSQL a database named `samskab_bench_dashboards` beside the one in
--pg-url, dropped first), migrates and bulk-inserts, deterministically: N responses over four
weeks and three days after the deadline (channels, respondent kinds, 2 % late, 90 % published),
300 campaigns, 400 ideas with positions, and an action plan of 50 commitments with 5 milestones
each, 2 progress updates per started milestone, an assessment per commitment and a forum log.
It then times whole pages through Django's test client (staff pages as a plan editor, public
pages anonymous): rendering and charts included, first request (cold) and the median and worst
of --runs more. Prints one line per page.
"""

import argparse
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "samskab_bench_dashboards"
KINDS = ["citizen"] * 6 + ["ngo", "ngo", "business", "authority_municipality", "research",
                           "authority_state", "authority_region", "other"]
CHANNELS = ["web"] * 6 + ["email", "email", "email", "letter", "api", "import"]
STATUSES = ["not_started", "limited", "substantial", "complete", "complete", "withdrawn"]
PAGES = [
    ("staff plan dashboard", "/medarbejder/opfoelgning/planer/bench-plan/", True),
    ("public plan dashboard", "/opfoelgning/planer/bench-plan/", False),
    ("public plan CSV (agency)", "/opfoelgning/planer/bench-plan/agency.csv", False),
    ("staff consultation dashboard", "/medarbejder/opfoelgning/hoeringer/bench/", True),
    ("public consultation dashboard", "/opfoelgning/hoeringer/bench/", False),
    ("public consultation CSV (per day)", "/opfoelgning/hoeringer/bench/per-day.csv", False),
]


def _load(n: int) -> None:
    from samskab.consultations.models import Consultation, Respondent, Response
    from samskab.core.models import GrandChallenge, OgpValue, Organisation
    from samskab.insights.models import Idea, Position, ResponseGroup
    from samskab.plans.models import ActionPlan, Commitment, Milestone
    from samskab.tracking.models import Assessment, ForumMeeting, ProgressUpdate

    cph = ZoneInfo("Europe/Copenhagen")
    opens = datetime(2012, 2, 3, 9, tzinfo=cph)
    closes = datetime(2012, 3, 1, tzinfo=cph)
    consultation = Consultation.objects.create(
        slug="bench", title_da="Benchmark-høring", published_at=opens, opens_at=opens,
        closes_at=closes, reference_prefix="B")
    rng = random.Random(20120301)
    batch = 20_000
    for first in range(0, n, batch):
        size = min(batch, n - first)
        respondents = Respondent.objects.bulk_create(
            [Respondent(kind=rng.choice(KINDS)) for _ in range(size)])
        rows = []
        for i, respondent in enumerate(respondents):
            late = rng.random() < 0.02
            received = (closes + timedelta(hours=rng.randint(1, 72)) if late else
                        opens + timedelta(seconds=rng.randint(0, 26 * 86400)))
            rows.append(Response(
                reference=f"B-{first + i + 1:07d}", consultation=consultation,
                respondent=respondent, respondent_kind=respondent.kind,
                channel=rng.choice(CHANNELS), received_at=received,
                text="Vi foreslår åbne data.", late=late,
                status="published" if rng.random() < 0.9 else "received"))
        Response.objects.bulk_create(rows)
    first_response = Response.objects.filter(consultation=consultation).order_by("id").first()
    ResponseGroup.objects.bulk_create([
        ResponseGroup(consultation=consultation, canonical=first_response,
                      size=int(2 + rng.paretovariate(1.2) * 10)) for _ in range(300)])
    ideas = Idea.objects.bulk_create([
        Idea(consultation=consultation, label=f"Idé {i}", response_count=rng.randint(1, 900))
        for i in range(400)])
    kinds = ["adopted", "partly_adopted", "not_adopted", "out_of_scope", "already_covered"]
    Position.objects.bulk_create([
        Position(idea=idea, kind=rng.choice(kinds), justification_da="Begrundelse.",
                 decided_at=closes + timedelta(days=20))
        for idea in ideas if rng.random() < 0.8])

    agencies = [Organisation.objects.create(name=f"Styrelse {i}") for i in range(12)]
    plan = ActionPlan.objects.create(slug="bench-plan", title_da="Benchmarkplan",
                                     period_start=date(2012, 4, 1),
                                     period_end=date(2014, 3, 31), status="implementation")
    challenges = list(GrandChallenge.objects.all())
    values = list(OgpValue.objects.all())
    milestones = []
    for c in range(50):
        commitment = Commitment.objects.create(
            plan=plan, identifier=f"DK{c + 1:04d}", position=c,
            title_da=f"Forpligtelse {c + 1}", lead_agency=rng.choice(agencies))
        commitment.grand_challenges.set(rng.sample(challenges, k=min(2, len(challenges))))
        commitment.ogp_values.set(rng.sample(values, k=min(2, len(values))))
        for m in range(5):
            end = date(2012, 4, 1) + timedelta(days=rng.randint(60, 720))
            milestones.append(Milestone(commitment=commitment, position=m,
                                        title_da=f"Milepæl {c + 1}.{m + 1}",
                                        start=date(2012, 4, 1), end=end,
                                        status=rng.choice(STATUSES)))
        Assessment.objects.create(
            commitment=commitment, framework="pre2017",
            specificity=rng.choice(["low", "medium", "high"]),
            relevant_values=["access_to_information"],
            potential_impact=rng.choice(["minor", "moderate", "transformative"]),
            completion=rng.choice(["limited", "substantial", "complete"]),
            starred=rng.random() < 0.2, promising=None)
    Milestone.objects.bulk_create(milestones)
    updates = []
    for milestone in Milestone.objects.filter(commitment__plan=plan):
        if milestone.status == "not_started":
            continue
        day = milestone.start + timedelta(days=rng.randint(10, 200))
        updates.append(ProgressUpdate(milestone=milestone, status="limited", reported_on=day,
                                      note="Arbejdet er i gang."))
        updates.append(ProgressUpdate(milestone=milestone, status=milestone.status,
                                      reported_on=day + timedelta(days=rng.randint(20, 300)),
                                      note="Status."))
    ProgressUpdate.objects.bulk_create(updates)
    for month in range(0, 24, 5):
        ForumMeeting.objects.create(plan=plan, held_on=date(2012, 4, 15) + timedelta(
            days=30 * month), government=["Digitaliseringsstyrelsen"],
            civil_society=["Borger.nu"] if month % 2 == 0 else [], minutes="Møde.")


def child(n: int, runs: int) -> dict:
    """Runs inside a process whose DATABASE_URL names the fresh database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from samskab.consultations.models import Consultation

    call_command("migrate", verbosity=0)
    load_seconds = 0.0
    if not Consultation.objects.filter(slug="bench").exists():
        started = time.perf_counter()
        _load(n)
        load_seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    user, _created = get_user_model().objects.get_or_create(username="bench-editor")
    user.groups.add(Group.objects.get_or_create(name="plan_editor")[0])
    staff, public = Client(), Client()
    staff.force_login(user)
    results = []
    for label, url, as_staff in PAGES:
        client = staff if as_staff else public
        t0 = time.perf_counter()
        page = client.get(url)
        cold = (time.perf_counter() - t0) * 1000
        assert page.status_code == 200, (url, page.status_code)  # noqa: S101
        timings, sql = [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
            sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        results.append({"page": label, "cold_ms": cold, "median_ms": statistics.median(timings),
                        "max_ms": max(timings), "sql_ms": statistics.median(sql),
                        "queries": len(queries.captured_queries)})
    from samskab.consultations.models import Response

    return {"vendor": connection.vendor, "n": Response.objects.count(),
            "load_seconds": load_seconds, "results": results}


def _pg_url(base: str) -> str:
    prefix, _slash, _name = base.rpartition("/")
    return f"{prefix}/{BENCH_DB}"


def _pg(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--var", help="keep the SQLite database in this directory and reuse it")
    parser.add_argument("--keep-pg", action="store_true",
                        help="keep the PostgreSQL database (and reuse it when it exists)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.n, args.runs)))
        return 0

    for database in args.databases.split(","):
        with tempfile.TemporaryDirectory(prefix="samskab-bench-") as var:
            env = {**os.environ, "SAMSKAB_VAR_DIR": args.var or var}
            if database == "postgresql":
                if not args.keep_pg:
                    _pg(args.pg_url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
                import psycopg

                with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # --keep-pg
                    _pg(args.pg_url, f"CREATE DATABASE {BENCH_DB}")
                env["DATABASE_URL"] = _pg_url(args.pg_url)
            else:
                env.pop("DATABASE_URL", None)
            try:
                out = subprocess.run(  # noqa: S603 - our own script, fixed arguments
                    [sys.executable, __file__, "--child", "--n", str(args.n),
                     "--runs", str(args.runs)],
                    env=env, cwd=ROOT, check=True, capture_output=True, text=True,
                ).stdout
            finally:
                if database == "postgresql" and not args.keep_pg:
                    _pg(args.pg_url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        report = json.loads(out.strip().splitlines()[-1])
        print(f"\n== dashboards on {report['vendor']}: {report['n']:,} responses, 50 "
              f"commitments (bulk load: {report['load_seconds']:.1f} s) ==")
        print(f"{'page':36} {'cold':>9} {'median':>9} {'max':>9} {'of it SQL':>9} "
              f"{'queries':>8}")
        for row in report["results"]:
            print(f"{row['page']:36} {row['cold_ms']:7.1f}ms {row['median_ms']:7.1f}ms "
                  f"{row['max_ms']:7.1f}ms {row['sql_ms']:7.1f}ms {row['queries']:8d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
