"""Importing OGP's commitment data into the database: idempotent, audited, rows reported."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from factories import UserFactory
from samskab.core import roles
from samskab.core.actions import SystemActor
from samskab.core.models import AuditEvent
from samskab.tracking.models import ForeignCommitment
from samskab.tracking.services import foreign_commitments_import

FIXTURE = Path(__file__).parent.parent / "fixtures" / "ogp" / "commitments.csv"
pytestmark = pytest.mark.django_db


def test_import_stores_readable_rows_with_computed_stars():
    report = foreign_commitments_import(actor=SystemActor("cli"), data=FIXTURE.read_bytes(),
                                        source_name="commitments.csv")
    assert (report.rows, report.created, report.updated) == (12, 8, 0)
    assert len(report.skipped) == 4
    assert ForeignCommitment.objects.count() == 8
    mx = ForeignCommitment.objects.get(ogp_id="MX0042")
    assert mx.starred is True and mx.framework == "2017-2020"
    assert mx.verdict().reason() == ("specificity medium or high, relevant, potential impact "
                                     "transformative, completion substantial or complete")
    ee = ForeignCommitment.objects.get(ogp_id="EE0007")
    assert ee.starred is False and ee.codings["potential_impact"] == "moderate"
    assert AuditEvent.objects.filter(action="foreign_commitment.create").count() == 8


def test_reimport_changes_nothing_and_an_edit_updates_one_row():
    data = FIXTURE.read_text(encoding="utf-8")
    foreign_commitments_import(actor=SystemActor("cli"), data=data, source_name="a.csv")
    again = foreign_commitments_import(actor=SystemActor("cli"), data=data, source_name="a.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    edited = data.replace("Open data portal for public spending", "Open spending data")
    report = foreign_commitments_import(actor=SystemActor("cli"), data=edited,
                                        source_name="b.csv")
    assert (report.created, report.updated) == (0, 1)
    assert ForeignCommitment.objects.get(ogp_id="GB0001").title == "Open spending data"
    event = AuditEvent.objects.get(action="foreign_commitment.update")
    assert event.before["title"] == "Open data portal for public spending"


def test_dry_run_stores_nothing():
    report = foreign_commitments_import(actor=SystemActor("cli"), data=FIXTURE.read_bytes(),
                                        source_name="x.csv", dry_run=True)
    assert report.created == 8
    assert not ForeignCommitment.objects.exists()


def test_only_plan_editors_and_administrators_import():
    officer = UserFactory(roles=[roles.AGENCY_OFFICER])
    with pytest.raises(PermissionDenied):
        foreign_commitments_import(actor=officer, data=FIXTURE.read_bytes(), source_name="x")
    assert not ForeignCommitment.objects.exists()
    editor = UserFactory(roles=[roles.PLAN_EDITOR])
    foreign_commitments_import(actor=editor, data=FIXTURE.read_bytes(), source_name="x")
    assert ForeignCommitment.objects.count() == 8


def test_command_reports_each_skipped_row_and_exits_3(capsys):
    with pytest.raises(CommandError) as caught:
        call_command("import_ogp", str(FIXTURE))
    assert caught.value.returncode == 3
    out, err = capsys.readouterr()
    assert "12 rows in commitments.csv: 8 created, 0 updated, 0 unchanged, 4 skipped" in out
    assert "line 7: skipped: no commitment id" in err
    assert "line 11 FR0003: skipped: 23 cells, the header has 22" in err
    assert "line 9 PH0010: warning: start date: unreadable date 'sometime soon'" in err
    assert ForeignCommitment.objects.count() == 8


def test_command_refuses_an_unusable_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Country,Title\nDenmark,x\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_ogp", str(bad))
    assert caught.value.returncode == 2 and "missing column" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        call_command("import_ogp", str(tmp_path / "missing.csv"))
    assert caught.value.returncode == 2


def test_our_commitments_get_their_most_similar_foreign_ones(plan_2012):
    from samskab.tracking.models import SimilarCommitment
    from samskab.tracking.services import similar_commitments_refresh

    foreign_commitments_import(actor=SystemActor("cli"), data=FIXTURE.read_bytes(),
                               source_name="commitments.csv")
    c2 = plan_2012["c2"]
    c2.description_da = "Et offentligt register over virksomheders reelle ejere."
    c2.save(update_fields=["description_da"])
    stored = similar_commitments_refresh(plan=plan_2012["plan"])
    assert stored == SimilarCommitment.objects.count() > 0
    best = SimilarCommitment.objects.filter(commitment=c2).select_related("foreign").first()
    assert best.foreign.ogp_id == "KE0001" and best.rank == 1
    assert "beneficial" in best.shared_words
    # Rebuilding replaces, never duplicates.
    assert similar_commitments_refresh(plan=plan_2012["plan"]) == stored
    assert SimilarCommitment.objects.count() == stored
