"""`samskab import-responses SLUG FILE [--dry-run]` and the file readers behind it."""

import csv
import json
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from factories import ConsultationFactory
from samskab.consultations.intake import files
from samskab.consultations.models import Channel, Respondent, Response

pytestmark = pytest.mark.django_db

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
ROWS = [
    {"id": "r-1", "text": "Vi foreslår åbne data om ældreplejen på Ærø.",
     "respondent_kind": "ngo", "organisation": "Ældre Sagen Ø", "received_at":
     "2026-11-20T14:03:00+01:00", "language": "da"},
    {"id": "r-2", "text": "Gør høringssvar søgbare – også for blinde.",
     "respondent_kind": "citizen", "name": "Bjørn Bæk", "email": "bjoern@mail.example"},
    {"id": "r-3", "text": "Kommunerne bør offentliggøre alle aktindsigter.",
     "respondent_kind": "authority_municipality", "organisation": "Aabenraa Kommune"},
]
COLUMNS = ["id", "text", "respondent_kind", "organisation", "name", "email", "received_at",
           "language"]


@pytest.fixture
def consultation():
    return ConsultationFactory(slug="ogp-2012", reference_prefix="OGP-2012",
                               opens_at=timezone.now() - timedelta(days=30))


def write_jsonl(path, rows):
    path.write_text("".join(
        (row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n"
        for row in rows
    ), encoding="utf-8")
    return path


def write_csv(path, rows, *, delimiter=",", encoding="utf-8", columns=COLUMNS):
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path, rows, columns=COLUMNS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    workbook.create_sheet("Andet ark").append(["ignoreres"])
    workbook.save(path)
    return path


def run(*args):
    """Run the command; return (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_responses", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


def texts():
    return sorted(Response.objects.values_list("text", flat=True))


# Each format ---------------------------------------------------------------------------------


def test_jsonl_is_imported_with_danish_text_intact(consultation, tmp_path):
    status, out, _err = run("ogp-2012", write_jsonl(tmp_path / "svar.jsonl", ROWS))
    assert status == 0
    assert "3 imported" in out
    assert texts() == sorted(row["text"] for row in ROWS)
    first = Response.objects.select_related("respondent").get(source__id="r-1")
    assert first.channel == Channel.IMPORT
    assert first.respondent.organisation == "Ældre Sagen Ø"
    assert first.received_at == datetime(2026, 11, 20, 13, 3, tzinfo=ZoneInfo("UTC"))
    assert first.source == {"file": "svar.jsonl", "row": 1, "id": "r-1"}
    second = Response.objects.select_related("respondent").get(source__id="r-2")
    assert (second.respondent.name, second.respondent.email) == (
        "Bjørn Bæk", "bjoern@mail.example")
    assert {r.reference for r in Response.objects.all()} == {
        "OGP-2012-0001", "OGP-2012-0002", "OGP-2012-0003"}


def test_csv_from_danish_excel_semicolons_and_bom(consultation, tmp_path):
    path = write_csv(tmp_path / "svar.csv", ROWS, delimiter=";", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    status, _out, _err = run("ogp-2012", path)
    assert status == 0
    assert texts() == sorted(row["text"] for row in ROWS)
    assert Response.objects.get(source__id="r-3").respondent.kind == "authority_municipality"


def test_csv_in_windows_1252_with_commas(consultation, tmp_path):
    path = write_csv(tmp_path / "svar.csv", ROWS, encoding="cp1252")
    assert "ø".encode("cp1252") in path.read_bytes()
    status, _out, _err = run("ogp-2012", path)
    assert status == 0
    assert texts() == sorted(row["text"] for row in ROWS)


def test_csv_with_a_utf8_bom_but_windows_1252_text(consultation, tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes(b"\xef\xbb\xbfid;text\r\n1;" + "Åbne data på Ærø".encode("cp1252") + b"\r\n")
    assert run("ogp-2012", path)[0] == 0
    assert texts() == ["Åbne data på Ærø"]


def test_csv_text_may_span_lines_and_hold_the_delimiter(consultation, tmp_path):
    rows = [{"id": "1", "text": "Første linje; med semikolon,\nog en anden linje."},
            {"id": "2", "text": "Næste række"}]
    path = write_csv(tmp_path / "svar.csv", rows, delimiter=";", columns=["id", "text"])
    assert run("ogp-2012", path)[0] == 0
    assert texts() == ["Første linje; med semikolon,\nog en anden linje.", "Næste række"]


def test_xlsx_first_sheet_with_numbers_and_dates(consultation, tmp_path):
    rows = [
        {"id": 1, "text": "Åbenhed om tilskud til foreninger.",
         "received_at": datetime(2026, 11, 20, 9, 30)},
        {"id": 2.0, "text": "Flere data om økonomien.", "respondent_kind": "Business"},
    ]
    status, _out, err = run("ogp-2012", write_xlsx(tmp_path / "svar.xlsx", rows))
    assert status == 0, err
    first = Response.objects.get(source__id="1")
    # A spreadsheet's wall-clock time is Danish time.
    assert first.received_at == datetime(2026, 11, 20, 9, 30, tzinfo=COPENHAGEN)
    assert first.source["row"] == 2
    assert Response.objects.get(source__id="2").respondent.kind == "business"


def test_closed_consultation_keeps_imports_flagged_late(tmp_path):
    consultation = ConsultationFactory(slug="ogp-2012", closed=True)
    in_time = (consultation.closes_at - timedelta(days=1)).isoformat()
    rows = [{"id": "a", "text": "Til tiden.", "received_at": in_time},
            {"id": "b", "text": "For sent, men med."}]
    status, out, _err = run("ogp-2012", write_jsonl(tmp_path / "svar.jsonl", rows))
    assert status == 0
    assert "(1 of them late)" in out
    assert dict(Response.objects.values_list("source__id", "late")) == {"a": False, "b": True}


# Rejected rows ---------------------------------------------------------------------------------


def test_rejected_rows_are_reported_by_number_and_the_rest_imported(consultation, tmp_path):
    lines = [
        ROWS[0],                                               # 1 fine
        "{ikke json",                                          # 2 invalid_json
        {"text": "Uden id."},                                  # 3 no id
        "",                                                    # 4 blank: skipped
        {"id": "r-5", "text": "Svar", "respondent_kind": "alien"},  # 5 invalid_kind
        {"id": "r-1", "text": "Samme id igen."},               # 6 duplicate id
        {"id": "r-7", "text": "   "},                          # 7 empty
        {"id": "r-8", "text": "Fint svar, æøå.", "email": "ikke-en-adresse"},  # 8 e-mail
        {"id": "r-9", "text": "Også fint."},                   # 9 fine
    ]
    status, out, err = run("ogp-2012", write_jsonl(tmp_path / "svar.jsonl", lines))
    assert status == 3
    for number, code in [(2, "invalid_json"), (3, "validation"), (5, "invalid_kind"),
                         (6, "duplicate_id"), (7, "empty"), (8, "invalid_email")]:
        assert f"row {number}" in err and code in err
        assert f"row {number}\t" in out
    assert "row 4" not in err
    assert "6 rejected" in out and "2 imported" in out
    assert texts() == sorted([ROWS[0]["text"], "Også fint."])


def test_csv_rejections_use_spreadsheet_row_numbers(consultation, tmp_path):
    rows = [{"id": "a", "text": "Godt"}, {"id": "", "text": "Uden id"},
            {"id": "c", "text": "Godt igen", "received_at": "i går"}]
    path = write_csv(tmp_path / "svar.csv", rows, delimiter=";")
    status, _out, err = run("ogp-2012", path)
    assert status == 3
    assert "row 3: rejected: validation" in err
    assert "row 4 (id c): rejected: validation" in err
    assert Response.objects.count() == 1


def test_rejected_rows_store_nothing(consultation, tmp_path):
    run("ogp-2012", write_jsonl(tmp_path / "svar.jsonl", [{"id": "x", "text": ""}]))
    assert Response.objects.count() == 0
    assert Respondent.objects.count() == 0


# Dry run and reruns ----------------------------------------------------------------------------


def test_dry_run_checks_everything_and_stores_nothing(consultation, tmp_path):
    lines = [*ROWS, {"id": "bad", "text": "Svar", "respondent_kind": "alien"},
             {"id": "fil", "text": "", "attachments": [
                 {"name": "svar.txt", "content_base64": "aGVq"}]}]
    path = write_jsonl(tmp_path / "svar.jsonl", lines)
    status, out, err = run("ogp-2012", path, "--dry-run")
    assert status == 3
    assert "4 would be imported" in out and "dry run: nothing was stored" in out
    assert "row 4 (id bad): rejected: invalid_kind" in err
    assert Response.objects.count() == 0
    assert Respondent.objects.count() == 0
    assert [p for p in (tmp_path / "media").rglob("*") if p.is_file()] == []
    consultation.refresh_from_db()
    assert consultation.last_reference_number == 0
    # The real import then numbers from the start.
    run("ogp-2012", path)
    assert Response.objects.order_by("id").first().reference == "OGP-2012-0001"


def test_rerun_of_the_same_file_creates_nothing_new(consultation, tmp_path):
    path = write_jsonl(tmp_path / "svar.jsonl", ROWS)
    run("ogp-2012", path)
    references = set(Response.objects.values_list("reference", flat=True))
    status, out, _err = run("ogp-2012", path)
    assert status == 0
    assert "0 imported" in out and "3 duplicates" in out
    assert set(Response.objects.values_list("reference", flat=True)) == references


def test_same_rows_in_another_format_are_duplicates(consultation, tmp_path):
    run("ogp-2012", write_jsonl(tmp_path / "svar.jsonl", ROWS))
    _status, out, _err = run("ogp-2012", write_xlsx(tmp_path / "svar.xlsx", ROWS))
    assert "3 duplicates" in out
    assert Response.objects.count() == 3


def test_fixing_a_rejected_row_and_rerunning_imports_only_that_row(consultation, tmp_path):
    rows = [dict(row) for row in ROWS]
    rows[1]["respondent_kind"] = "borger"
    path = write_csv(tmp_path / "svar.csv", rows, delimiter=";")
    assert run("ogp-2012", path)[0] == 3
    rows[1]["respondent_kind"] = "citizen"
    write_csv(path, rows, delimiter=";")
    status, out, _err = run("ogp-2012", path)
    assert status == 0
    assert "1 imported" in out and "2 duplicates" in out
    assert Response.objects.count() == 3


def test_same_id_with_other_content_in_another_file_is_a_new_response(consultation, tmp_path):
    run("ogp-2012", write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": "Portal A"}]))
    run("ogp-2012", write_jsonl(tmp_path / "b.jsonl", [{"id": "1", "text": "Portal B"}]))
    assert texts() == ["Portal A", "Portal B"]


def test_crash_keeps_committed_batches_and_rerun_doubles_nothing(consultation, tmp_path):
    rows = [{"id": str(i), "text": f"Forslag {i} om åbenhed"} for i in range(7)]
    path = write_jsonl(tmp_path / "svar.jsonl", rows)

    def crash_after_the_first_batch(report):
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        files.responses_import(consultation=consultation, path=path, batch_size=3,
                               on_progress=crash_after_the_first_batch)
    assert Response.objects.count() == 3
    report = files.responses_import(consultation=consultation, path=path, batch_size=3)
    assert (report.imported, report.duplicates, report.rejected) == (4, 3, [])
    assert Response.objects.count() == 7


def test_export_records_can_be_imported(consultation, tmp_path):
    exported = {**ROWS[0], "reference": "X-0001", "channel": "web", "status": "published",
                "late": False, "attachments": [
                    {"name": "a.pdf", "mime": "application/pdf", "sha256": "0" * 64,
                     "status": "ok", "ocr": False, "text": "…"}]}
    status, _out, _err = run("ogp-2012", write_jsonl(tmp_path / "svar.jsonl", [exported]))
    assert status == 0
    assert Response.objects.get().channel == Channel.IMPORT


def test_attachments_in_jsonl_are_stored(consultation, tmp_path):
    rows = [{"id": "1", "text": "", "attachments": [
        {"name": "brev.txt", "mime": "text/plain", "content_base64": "aGVq"}]}]
    assert run("ogp-2012", write_jsonl(tmp_path / "svar.jsonl", rows))[0] == 0
    attachment = Response.objects.get().attachments.get()
    assert (attachment.original_name, attachment.size) == ("brev.txt", 3)


# Usage errors: exit 2, one line ----------------------------------------------------------------


@pytest.mark.parametrize(("slug", "name", "content", "message"), [
    ("findes-ikke", "svar.jsonl", "", "no consultation"),
    ("ogp-2012", "svar.txt", "id,text\n", "unknown file type"),
    ("ogp-2012", "mangler.jsonl", None, "no such file"),
    ("ogp-2012", "svar.csv", "nummer;tekst\n1;hej\n", "no id or text column"),
    ("ogp-2012", "svar.csv", "", "empty"),
    ("ogp-2012", "svar.xlsx", "ikke et regneark", "not a readable .xlsx"),
])
def test_usage_errors_exit_2_with_one_line(consultation, tmp_path, slug, name, content,
                                           message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    status, _out, err = run(slug, path)
    assert status == 2
    assert message in err
    assert "\n" not in err.strip()
    assert Response.objects.count() == 0


def test_progress_goes_to_stderr(consultation, tmp_path):
    rows = [{"id": str(i), "text": f"Svar {i}"} for i in range(5)]
    _status, out, err = run("ogp-2012", write_jsonl(tmp_path / "svar.jsonl", rows),
                            "--batch-size", "2")
    assert err.count("rows read") == 3
    assert "rows read" not in out
