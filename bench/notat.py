"""Benchmark: the høringsnotat of a consultation with 100,000 responses, in every format.

    .venv/bin/python -m bench.notat [--n 100000] [--formats html,pdf,docx,odt]

Builds a throwaway SQLite database under bench/out/ (deterministic data: respondents of every
kind, 40 invited parties), then times notat_build and each renderer and prints seconds and
output size. Baseline printed in the same run: rendering the same data with the renderers'
generic paths (weasyprint for the whole PDF) on a 2,000-response slice, scaled linearly.
"""

import argparse
import os
import random
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

OUT = Path(__file__).resolve().parent / "out"


def _setup(n: int) -> None:
    OUT.mkdir(exist_ok=True)
    db = OUT / f"notat-{n}.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("SAMSKAB_VAR_DIR", str(OUT / "var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
    import django

    django.setup()
    from django.core.management import call_command

    fresh = not db.exists()
    call_command("migrate", verbosity=0)
    if fresh:
        _generate(n)


def _generate(n: int) -> None:
    from django.db import transaction

    from samskab.consultations.models import (
        Consultation,
        InvitedParty,
        Respondent,
        RespondentKind,
        Response,
    )

    rng = random.Random(n)  # noqa: S311 - benchmark data
    cph = ZoneInfo("Europe/Copenhagen")
    opens = datetime(2012, 2, 3, 9, tzinfo=cph)
    consultation = Consultation.objects.create(
        slug="bench", title_da="Benchmark-høring", authority="Digitaliseringsstyrelsen",
        published_at=opens, opens_at=opens, closes_at=datetime(2012, 3, 1, tzinfo=cph),
        reference_prefix="B", last_reference_number=n,
    )
    orgs = [f"Organisation nr. {i} for åben forvaltning" for i in range(400)]
    InvitedParty.objects.bulk_create(
        InvitedParty(consultation=consultation, name=orgs[i], kind="ngo") for i in range(40)
    )
    kinds = RespondentKind.values
    batch = 5000
    with transaction.atomic():
        for start in range(0, n, batch):
            size = min(batch, n - start)
            respondents = Respondent.objects.bulk_create(
                Respondent(kind=(kind := rng.choice(kinds)),
                           name=f"Person {start + i}",
                           organisation="" if kind == "citizen" else rng.choice(orgs))
                for i in range(size)
            )
            Response.objects.bulk_create(
                Response(reference=f"B-{start + i + 1:06d}", consultation=consultation,
                         respondent=respondents[i], respondent_kind=respondents[i].kind,
                         channel=rng.choice(["email", "web"]),
                         received_at=opens + timedelta(minutes=start + i),
                         text="Vi foreslår åbne data.", consent_publish_name=rng.random() < 0.3)
                for i in range(size)
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--formats", default="html,pdf,docx,odt")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    _setup(args.n)
    print(f"database ready with {args.n} responses in {time.perf_counter() - started:.1f} s")
    from samskab.consultations.models import Consultation
    from samskab.publishing import notat, notat_documents

    consultation = Consultation.objects.get(slug="bench")
    t = time.perf_counter()
    data = notat.notat_build(consultation)
    print(f"notat_build: {time.perf_counter() - t:.2f} s ({data.total} responses)")
    for fmt in args.formats.split(","):
        t = time.perf_counter()
        output = notat_documents.render(data, fmt)
        seconds = time.perf_counter() - t
        (OUT / f"notat-{args.n}.{fmt}").write_bytes(output)
        print(f"render {fmt:4}: {seconds:6.2f} s  {len(output) / 1e6:7.1f} MB")
    # Baseline: the whole document, annex included, through weasyprint, on a slice.
    data.annex = data.annex[:2000]
    t = time.perf_counter()
    notat_documents.render_pdf_weasyprint_only(data)
    slice_seconds = time.perf_counter() - t
    print(f"baseline weasyprint-only pdf: {slice_seconds:.2f} s for 2,000 responses "
          f"= ~{slice_seconds * args.n / 2000:.0f} s for {args.n} (linear estimate)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB; total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
