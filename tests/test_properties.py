"""Property tests (hypothesis): no input crashes or hangs the mail parser, the importers or the
API's JSON. Example counts are kept modest so the suite stays fast; the derandomised seed makes
a run repeatable (a failure prints the smallest input that caused it)."""

import json
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from samskab.consultations.intake import headers, mime

FAST = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
DB = settings(max_examples=25, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])

# Text the way hostile or broken input looks: controls, surrogates, RFC 2047 pieces, quotes.
PIECES = st.sampled_from([
    "=?", "?=", "=?utf-8?q?", "=?utf-8?b?", "=?x-unknown?q?", "=3C", "=40", "_", "<", ">", "@",
    "\"", "(", ")", ",", ";", ":", "\\", "\r\n", "\n ", "\t", "\x00", "\x1b", "\ud800",
    "mette@example.dk", "Mette Sørensen", "æøå", "+AOY-", "=?iso-8859-1?q?S=F8ren?=",
])
HOSTILE_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=30).map("".join)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner,
                                                                 max_size=4),
    max_leaves=20,
)


# The mail parser ---------------------------------------------------------------------------


def _parses_or_is_quarantined(raw: bytes) -> None:
    try:
        parsed = mime.parse_message(raw)
    except mime.UnparseableMessage as refused:
        assert refused.reason
        return
    assert parsed.content_hash and isinstance(parsed.body_text, str)
    assert parsed.from_address is None or "@" in parsed.from_address
    assert all("\x00" not in value for value in (parsed.subject, parsed.from_name))


@FAST
@given(st.binary(max_size=2000))
@example(b"From: =?utf-8?q?" + b"=" * 5000 + b"?=\n\nx")
@example(b"Content-Type: multipart/mixed; boundary=a\n\n" + b"--a\n" * 3000)
@example(b"From: " + b"<" * 5000 + b"\n\nx")
def test_any_bytes_parse_or_are_quarantined(raw):
    _parses_or_is_quarantined(raw)


@FAST
@given(
    from_value=HOSTILE_TEXT, subject=HOSTILE_TEXT, body=HOSTILE_TEXT,
    boundary=st.text(alphabet=string.ascii_letters + "=_-'()+,./:?", min_size=1, max_size=20),
    charset=st.sampled_from(["utf-8", "iso-8859-1", "cp1252", "utf-7", "x-bogus", "", "utf-16"]),
    encoding=st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-uuencode"]),
)
def test_any_message_shape_parses_or_is_quarantined(from_value, subject, body, boundary,
                                                    charset, encoding):
    text = (f"From: {from_value}\r\nTo: hoering@digst.example\r\nSubject: {subject}\r\n"
            f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
            f"--{boundary}\r\nContent-Type: text/plain; charset={charset}\r\n"
            f"Content-Transfer-Encoding: {encoding}\r\n\r\n{body}\r\n"
            f"--{boundary}\r\nContent-Type: application/pdf; name=\"{subject}\"\r\n"
            f"Content-Disposition: attachment; filename*=utf-8''{body[:20]}\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{body[:40]}\r\n--{boundary}--\r\n")
    _parses_or_is_quarantined(text.encode("utf-8", "surrogatepass"))


@FAST
@given(HOSTILE_TEXT)
def test_any_address_header_gives_addresses_or_nothing(value):
    defects: list[str] = []
    for name, address in headers.parse_addresses([value], defects, "from"):
        assert isinstance(name, str) and "@" in address and "=?" not in address


# The importers -----------------------------------------------------------------------------


def _rows_or_refusal(path):
    from samskab.consultations.intake.files import (
        FileUnreadable,
        RecordError,
        file_rows,
        record_parse,
    )

    try:
        for row in file_rows(path):
            if row.error is None and row.record is not None:
                try:
                    record_parse(row.record, require_id=True, naive_time_allowed=True)
                except RecordError as refused:
                    assert refused.code
    except FileUnreadable as refused:
        assert str(refused)


@FAST
@given(lines=st.lists(st.one_of(JSON_VALUES.map(lambda v: json.dumps(v)), HOSTILE_TEXT),
                      max_size=8))
def test_any_jsonl_file_is_read_or_refused_row_by_row(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("jsonl") / "svar.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    _rows_or_refusal(path)


@FAST
@given(header=st.sampled_from(["id;text;organisation", "id,text,respondent_kind,received_at",
                               "text", "", "id\ttext"]),
       body=st.binary(max_size=600))
def test_any_csv_file_is_read_or_refused_row_by_row(tmp_path_factory, header, body):
    path = tmp_path_factory.mktemp("csv") / "svar.csv"
    path.write_bytes(header.encode() + b"\r\n" + body)
    _rows_or_refusal(path)


@pytest.mark.django_db
@DB
@given(records=st.lists(st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries({"id": HOSTILE_TEXT, "text": HOSTILE_TEXT}, optional={
        "organisation": HOSTILE_TEXT, "respondent_kind": HOSTILE_TEXT, "email": HOSTILE_TEXT,
        "received_at": HOSTILE_TEXT, "name": HOSTILE_TEXT, "language": HOSTILE_TEXT}),
), max_size=5))
def test_importing_any_jsonl_stores_or_reports_every_row(tmp_path_factory, records):
    from factories import ConsultationFactory
    from samskab.consultations.intake.files import responses_import

    consultation = ConsultationFactory()
    path = tmp_path_factory.mktemp("import") / "svar.jsonl"
    path.write_bytes("\n".join(json.dumps(r) for r in records).encode("utf-8", "surrogatepass"))
    report = responses_import(consultation=consultation, path=path)
    assert report.imported + report.duplicates + len(report.rejected) == report.rows


# The API -----------------------------------------------------------------------------------


@pytest.fixture
def api(db, client):
    from factories import ConsultationFactory
    from samskab.api import services
    from samskab.core.actions import SystemActor

    consultation = ConsultationFactory(slug="egenskaber")
    _token, secret = services.api_token_create(consultation=consultation, name="Test",
                                               actor=SystemActor("test"))

    def post(raw: bytes, path: str = "") -> object:
        return client.post(f"/api/v1/consultations/egenskaber/responses{path}", data=raw,
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {secret}"})

    return post


def _answered_properly(answer) -> None:
    assert answer.status_code in (200, 201, 400, 409, 413, 415, 422), answer.content[:300]
    body = answer.json()
    if answer.status_code >= 400:
        assert set(body["error"]) == {"code", "message", "field"}


@DB
@given(value=JSON_VALUES, batch=st.booleans())
def test_any_json_value_gets_an_answer_never_a_500(api, value, batch):
    raw = json.dumps(value, ensure_ascii=True).encode()  # \\ud800 arrives as an escape
    _answered_properly(api(raw, "/batch" if batch else ""))


@DB
@given(record=st.fixed_dictionaries({"id": HOSTILE_TEXT, "text": HOSTILE_TEXT}, optional={
    "organisation": HOSTILE_TEXT, "name": HOSTILE_TEXT, "email": HOSTILE_TEXT,
    "respondent_kind": HOSTILE_TEXT, "received_at": HOSTILE_TEXT, "language": HOSTILE_TEXT,
    "consent_publish_name": JSON_VALUES, "attachments": JSON_VALUES}))
def test_any_record_shape_gets_an_answer_never_a_500(api, record):
    _answered_properly(api(json.dumps(record).encode()))


@DB
@given(st.binary(max_size=300))
@example(b"[" * 100_000)
@example(b'{"id": "x", "text": "\\ud800\\udfff\\u0000"}')
def test_any_body_bytes_get_an_answer_never_a_500(api, raw):
    _answered_properly(api(raw))
