"""`samskab plan validate|import|export` as the contract states them."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from factories import ConsultationFactory, receive
from samskab.plans.files import SCHEMA_PATH
from samskab.plans.models import ActionPlan, PlanStatus
from samskab.plans.rules_ogp import CODES

FILES = Path(__file__).parent / "files"
SHARED_SCHEMA = Path("/work/shared/contracts/action-plan.schema.json")


def run(capsys, *args) -> tuple[int, str, str]:
    """The command in this process (call_command: the test's database connection stays
    open), with the exit code the `samskab` console script would give."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("plan", *map(str, args), stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        err.write(str(error))
        code = error.returncode
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def test_the_console_script_exits_as_the_contract_says(tmp_path):
    """The real `samskab` command in a subprocess: 0 quiet, 1 errors, 2 unreadable."""
    env = {**os.environ, "SAMSKAB_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # a file needs no database
    samskab = Path(sys.executable).with_name("samskab")

    def code(*args):
        return subprocess.run([str(samskab), "plan", *map(str, args)], env=env,  # noqa: S603
                              capture_output=True, text=True, check=False)

    clean = code("validate", FILES / "clean.json")
    assert (clean.returncode, clean.stdout) == (0, "")
    broken = code("validate", FILES / "COMMITMENT-NO-LEAD.json")
    assert broken.returncode == 1
    assert broken.stdout.startswith("ERROR\tCOMMITMENT-NO-LEAD\tcommitments[0]\t")
    assert code("validate", tmp_path / "missing.json").returncode == 2
    assert code("frobnicate").returncode == 2


def findings(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines() if line.strip()]


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(CODES))
def test_each_hand_made_file_reports_its_own_rule(capsys, code):
    status, out, _err = run(capsys, "validate", FILES / f"{code}.json",
                            "--strategies", FILES / "strategies.json")
    lines = findings(out)
    assert [line[1] for line in lines] == [code], out
    level, _code, where, message = lines[0]
    assert level == CODES[code] and where and message
    assert status == (1 if CODES[code] == "ERROR" else 0)


@pytest.mark.django_db
def test_a_clean_plan_is_quiet(capsys):
    status, out, err = run(capsys, "validate", FILES / "clean.json",
                           "--strategies", FILES / "strategies.json")
    assert (status, out) == (0, "")
    assert "0 errors, 0 warnings" in err


@pytest.mark.django_db
def test_since_2021_technology_alone_is_no_value(capsys):
    status, out, _err = run(capsys, "validate", FILES / "era-2021-tech-only.json")
    assert [f[1] for f in findings(out)] == ["COMMITMENT-NO-VALUE"]
    assert status == 1


@pytest.mark.django_db
def test_messages_in_english(capsys):
    _status, out, _err = run(capsys, "validate", FILES / "COMMITMENT-NO-LEAD.json",
                             "--language", "en")
    assert findings(out)[0][3] == "The commitment has no lead implementing agency."


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00", b"[]",
                                     b'{"format": "samskab.action-plan/1", "title": "x"}',
                                     b'{"format": "samskab.action-plan/1", "country": "DK", '
                                     b'"title": "x", "period": {"start": "1. april"}, '
                                     b'"commitments": []}'])
@pytest.mark.django_db
def test_unreadable_or_invalid_files_exit_2(capsys, tmp_path, content):
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    status, out, err = run(capsys, "validate", path)
    assert status == 2 and out == ""
    assert str(path) in err


@pytest.mark.django_db
def test_a_missing_file_exits_2(capsys, tmp_path):
    status, _out, err = run(capsys, "validate", tmp_path / "missing.json")
    assert status == 2 and "cannot read" in err


def test_the_packaged_schema_is_the_contracts():
    if not SHARED_SCHEMA.exists():
        pytest.skip("the shared contracts are not on this machine")
    assert json.loads(SCHEMA_PATH.read_text()) == json.loads(SHARED_SCHEMA.read_text())


@pytest.mark.django_db
def test_import_prints_the_new_plans_id_last_and_export_round_trips(capsys, tmp_path):
    consultation = ConsultationFactory(slug="ogp-test")
    receipt = receive(consultation, text="Offentliggør alle tilskud som åbne data.")
    data = json.loads((FILES / "clean.json").read_text())
    data["consultation"] = "ogp-test"
    data["commitments"][0]["sources"] = [{"response": receipt.reference}]
    data["commitments"][0]["translations"] = {"en": {"title": "Open data on grants"}}
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data, ensure_ascii=False))
    status, out, _err = run(capsys, "import", source)
    assert status == 0
    plan = ActionPlan.objects.get(pk=int(out.split()[-1]))
    assert plan.commitments.get().sources.get().response.reference == receipt.reference
    assert plan.commitments.get().title_en == "Open data on grants"

    first = tmp_path / "first.json"
    assert run(capsys, "export", plan.pk, "-o", first)[0] == 0
    status, out, _err = run(capsys, "import", first)
    again = ActionPlan.objects.get(pk=int(out.split()[-1]))
    second = tmp_path / "second.json"
    run(capsys, "export", again.slug, "-o", second)
    assert json.loads(first.read_text()) == json.loads(second.read_text())
    exported = json.loads(first.read_text())
    for key in ("country", "title", "period", "uses_grand_challenges", "consultation"):
        assert exported[key] == data[key]
    theirs, ours = data["commitments"][0], exported["commitments"][0]
    for key in ("id", "title", "problem", "grand_challenges", "ogp_values", "lead_agency",
                "new_initiative", "period", "budget", "sources", "translations"):
        assert ours[key] == theirs[key], key
    assert ours["milestones"][0]["deliverable"] == theirs["milestones"][0]["deliverable"]


@pytest.mark.django_db
def test_a_plan_that_breaks_rules_is_imported_as_a_draft_with_its_findings(capsys, tmp_path):
    data = json.loads((FILES / "COMMITMENT-NO-LEAD.json").read_text())
    data["status"] = "adopted"
    data["commitments"][0]["assessment"] = {"framework": "pre2017", "starred": True}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    status, out, err = run(capsys, "import", path)
    assert status == 0
    assert "ERROR\tCOMMITMENT-NO-LEAD\tcommitments[0]" in out
    plan = ActionPlan.objects.get(pk=int(out.split()[-1]))
    assert plan.status == PlanStatus.DRAFTING
    assert "udkast" in err
    assert "starred" not in json.dumps(plan.versions.get().snapshot)


@pytest.mark.django_db
def test_a_clean_plan_keeps_its_status(capsys, tmp_path):
    data = json.loads((FILES / "clean.json").read_text())
    data["status"] = "adopted"
    data["commitments"][0]["sources"] = []
    data["commitments"][0]["sources"] = [{"idea": "999999"}]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    status, out, err = run(capsys, "import", path)
    plan = ActionPlan.objects.get(pk=int(out.split()[-1]))
    # The unknown idea is reported and left out; the plan is then untraced (a warning only).
    assert "sources[0]" in err
    assert plan.status == PlanStatus.ADOPTED
    assert "WARNING\tCOMMITMENT-NO-SOURCE" in out


@pytest.mark.django_db
def test_export_of_an_unknown_plan_exits_2(capsys, tmp_path):
    status, _out, err = run(capsys, "export", "404", "-o", tmp_path / "x.json")
    assert status == 2 and "no action plan" in err
