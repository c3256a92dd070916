"""Progress and assessments in `samskab plan import/export` (the contract's JSON)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samskab.plans.models import ActionPlan
from samskab.tracking.models import Assessment, ProgressUpdate

CLEAN = Path(__file__).parent.parent / "plans" / "files" / "clean.json"


def run(capsys, *args):
    # call_command, not samskab.cli.main: the CLI closes the database connection at exit,
    # which the test's PostgreSQL transaction would not survive.
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("plan", *map(str, args), stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_progress_and_assessment_round_trip_and_starred_is_computed(capsys, tmp_path):
    data = json.loads(CLEAN.read_text())
    data["commitments"][0]["sources"] = []
    c = data["commitments"][0]
    c["progress"] = [
        {"date": "2012-06-01", "milestone": "DK0001.1", "status": "limited",
         "note": "Første udtræk klar.", "evidence": ["https://fm.example/tilskud"]},
        {"date": "2012-09-20", "milestone": "DK0001.1", "status": "complete",
         "note": "Offentliggjort.", "evidence": []},
        {"date": "2012-09-21", "milestone": "no such milestone", "status": "complete"},
    ]
    c["assessment"] = {"framework": "pre2017", "specificity": "high",
                       "relevant_values": ["access_to_information"],
                       "potential_impact": "moderate", "completion": "complete",
                       "starred": False}
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data, ensure_ascii=False))
    code, out, err = run(capsys, "import", source)
    assert code == 0
    assert "commitments[0].progress[2]: ukendt milepæl eller status; udeladt." in err
    plan = ActionPlan.objects.get(pk=int(out.split()[-1]))
    assert ProgressUpdate.objects.filter(milestone__commitment__plan=plan).count() == 2
    assessment = Assessment.objects.get(commitment__plan=plan)
    assert assessment.starred is True  # computed; the file's `false` is not read

    first = tmp_path / "first.json"
    assert run(capsys, "export", plan.pk, "-o", first)[0] == 0
    exported = json.loads(first.read_text())["commitments"][0]
    assert exported["assessment"]["starred"] is True
    assert [p["status"] for p in exported["progress"]] == ["limited", "complete"]
    assert exported["progress"][0] == c["progress"][0]
    code, out, _ = run(capsys, "import", first)
    second = tmp_path / "second.json"
    run(capsys, "export", out.split()[-1], "-o", second)
    assert json.loads(first.read_text()) == json.loads(second.read_text())


@pytest.mark.django_db
def test_an_assessment_off_its_era_scale_is_reported_and_left_out(capsys, tmp_path):
    data = json.loads(CLEAN.read_text())
    data["commitments"][0]["sources"] = []
    data["commitments"][0]["assessment"] = {"framework": "pre2017",
                                            "potential_for_results": "substantial"}
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data, ensure_ascii=False))
    code, _out, err = run(capsys, "import", source)
    assert code == 0 and "commitments[0].assessment:" in err
    assert not Assessment.objects.exists()
