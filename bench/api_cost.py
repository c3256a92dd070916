"""Benchmark: the server CPU of one batch API request, per record, in process, without HTTP.

    PYTHONPATH=src .venv/bin/python bench/api_cost.py [--batches 20] [--batch 1000]
        [--database-url URL] [--phases] [--profile]

As `bench/request_cost.py` (the WSGI application called with a hand-made environment, production
settings, a fresh SQLite file unless --database-url names an empty PostgreSQL database), but the
request bodies are made before the clock starts, so only the server's work is timed: CPU time
(time.process_time) of the WSGI call, per record; for PostgreSQL the database server's own CPU
is not in it, so the wall time per record is printed too, and the CPU of the request's
PostgreSQL backend process (from /proc: the server is on this machine), so the two sum to the
whole server's work. `--phases` also prints the CPU of the batch path's main steps (each wrapped
once per call, so the wrapping costs nothing per record); `--profile` prints a cProfile of the
timed requests (the 30 most expensive functions by their own time).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import request_cost  # noqa: E402 - the same WSGI caller and environment

TEXT = request_cost.TEXT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--phases", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    request_cost._environment(args)

    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from samskab.api import services as api_services
    from samskab.api.models import ApiToken
    from samskab.consultations.models import Consultation

    now = timezone.now()
    Consultation.objects.get_or_create(slug="bench", defaults={
        "title_da": "Benchmark-høring", "published_at": now - timedelta(days=1),
        "opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=30),
        "reference_prefix": "B"})
    consultation = Consultation.objects.get(slug="bench")
    secret = api_services.SECRET_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(consultation=consultation, name="cost", prefix=secret[:10],
                            secret_hash=api_services.secret_hash(secret))
    connection.close()
    from samskab.wsgi import application

    client = request_cost.Wsgi(application)
    spent: dict[str, float] = {}
    if args.phases:
        _wrap_phases(spent)

    def body() -> bytes:
        return json.dumps({"responses": [
            {"id": f"r{i}", "text": f"{TEXT} {uuid.uuid4().hex}",
             "idempotency_key": uuid.uuid4().hex, "respondent_kind": "ngo",
             "organisation": "Forening"} for i in range(args.batch)]},
            ensure_ascii=False).encode()

    def post(raw: bytes) -> None:
        status, _h, answer = client(
            "POST", "/api/v1/consultations/bench/responses/batch", body=raw,
            content_type="application/json", headers={"Authorization": f"Bearer {secret}"})
        request_cost._expect(status == 201, (status, answer[:2000]))

    for _ in range(2):  # warm up
        post(body())
    spent.clear()
    backend = _backend_pid(connection)
    bodies = [body() for _ in range(args.batches)]
    profiler = cProfile.Profile() if args.profile else None
    cpu = wall = 0.0
    backend_before = _cpu_of(backend)
    for raw in bodies:
        started, started_wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        post(raw)
        if profiler:
            profiler.disable()
        cpu += time.process_time() - started
        wall += time.perf_counter() - started_wall
    backend_cpu = _cpu_of(backend) - backend_before
    records = args.batches * args.batch
    print(f"load average {os.getloadavg()}; database {connection.vendor}; "
          f"{args.batches} batches of {args.batch}")
    print(f"API batch: {cpu / records * 1e6:.1f} µs CPU per record, "
          f"{wall / records * 1e6:.1f} µs wall per record "
          f"({records / wall:,.0f} records/s in this one process)")
    if backend:
        print(f"  PostgreSQL backend: {backend_cpu / records * 1e6:.1f} µs CPU per record; "
              f"together {(cpu + backend_cpu) / records * 1e6:.1f} µs "
              f"({records / (cpu + backend_cpu):,.0f} records per server CPU-second)")
    for name, seconds in spent.items():
        print(f"  {name:32} {seconds / records * 1e6:7.1f} µs CPU per record")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(30)
    return 0


def _backend_pid(connection) -> int | None:
    """The process id of this connection's PostgreSQL backend, when the server is local."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def _cpu_of(pid: int | None) -> float:
    """User and system CPU seconds of a process (0 without one)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wrap_phases(spent: dict[str, float]) -> None:
    """Time the main steps of the batch path (CPU), whichever of them the code has."""
    import importlib

    targets = [
        ("samskab.api.batch", "decode"), ("samskab.api.batch", "incoming"),
        ("samskab.api.views", "json_body"),
        ("samskab.api.services", "responses_submit_batch"),
        ("samskab.api.services", "responses_submit_batch_fast"),
        ("samskab.consultations.hygiene", "incoming_clean_all"),
        ("samskab.consultations.services", "_check_many"),
        ("samskab.consultations.services", "_stored_by_key"),
        ("samskab.consultations.services", "_store_chunk"),
        ("samskab.consultations.services", "_bulk_insert"),
        ("samskab.consultations.services", "_insert_returning_ids"),
    ]
    for module_name, name in targets:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        function = getattr(module, name, None)
        if function is None:
            continue

        label = f"{module_name.rsplit('.', 1)[-1]}.{name}"

        def timed(*a, _function=function, _name=label, **k):
            started = time.process_time()
            try:
                return _function(*a, **k)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.process_time() - started

        setattr(module, name, timed)


if __name__ == "__main__":
    sys.exit(main())
