"""The read API (/api/v1/read/): the public process as JSON through the public read model,
cursor pages, filters, conditional GET (304), CORS for reads, rate limits per client, and the
generated OpenAPI 3.1 description that every answer conforms to."""

from datetime import date
from email.utils import parsedate_to_datetime

import jsonschema
import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from factories import ConsultationFactory, plan_2012_world, receive
from samskab.consultations import services
from samskab.consultations.models import Response
from samskab.tracking.models import Assessment, ForumMeeting, ProgressUpdate

pytestmark = pytest.mark.django_db

BASE = "/api/v1/read"
PRIVATE = ("aase@mail.example", "Åse Bæk", "Hemmeligt svar", "070382-1235", "20 45 67 89",
           "post@forening.example", "dk0001@gov.example")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _publish(actor, response):
    from samskab.workspace import services as workspace

    for redaction in workspace.redaction_propose(actor=actor, response=response):
        workspace.redaction_accept(actor=actor, redaction=redaction)
    workspace.response_publish(actor=actor, response=response)


@pytest.fixture
def world(admin_user):
    consultation = ConsultationFactory(slug="ogp-data", reference_prefix="D", closed=True,
                                       authority="Digitaliseringsstyrelsen")
    kw = {"channel": "email"}
    published = [
        receive(consultation, text="Ring på 20 45 67 89, cpr 070382-1235. Vi foreslår åbne "
                "data.", respondent=services.RespondentData(
                    kind="citizen", name="Åse Bæk", email="aase@mail.example"), **kw),
        receive(consultation, text="Vi foreslår et lobbyregister.",
                respondent=services.RespondentData(kind="ngo", organisation="Foreningen",
                                                   email="post@forening.example"), **kw),
        receive(consultation, text="Åbne data om udgifter, tak.",
                respondent=services.RespondentData(kind="business", organisation="Firma A/S"),
                **kw),
    ]
    receive(consultation, text="Hemmeligt svar", consent_publish_response=False, **kw)
    for receipt in published:
        _publish(admin_user, Response.objects.get(pk=receipt.response_id))
    ConsultationFactory(slug="kommende", reference_prefix="K",
                        opens_at=timezone.now() + timezone.timedelta(days=3),
                        closes_at=timezone.now() + timezone.timedelta(days=30))
    plans = plan_2012_world()
    milestone = plans["c1"].milestones.first()
    ProgressUpdate.objects.create(milestone=milestone, status="started",
                                  reported_on=date(2012, 10, 1), note="Godt i gang.",
                                  created_by=plans["officer_digst"],
                                  author_label="Anne Embedsmand")
    ForumMeeting.objects.create(plan=plans["plan"], held_on=date(2012, 11, 1),
                                government=["Digitaliseringsstyrelsen"],
                                civil_society=["Transparency International"],
                                minutes="Status gennemgået.", decisions="Næste møde i marts.")
    Assessment.objects.create(commitment=plans["c1"], framework="irm-2020", completion="")
    return {"consultation": consultation, **plans}


def _get(client, path, **headers):
    return client.get(path, headers=headers)


def test_consultations_list_filter_and_detail(client, world):
    answer = _get(client, f"{BASE}/consultations")
    assert answer.status_code == 200
    slugs = [c["slug"] for c in answer.json()["items"]]
    assert set(slugs) == {"ogp-data", "kommende"}
    closed = _get(client, f"{BASE}/consultations?status=closed").json()["items"]
    assert [c["slug"] for c in closed] == ["ogp-data"]
    assert closed[0]["links"]["responses"].endswith("/api/v1/read/consultations/ogp-data/"
                                                    "responses")
    assert _get(client, f"{BASE}/consultations?status=bogus").status_code == 422
    assert _get(client, f"{BASE}/consultations/ogp-data").json()["authority"] == (
        "Digitaliseringsstyrelsen")
    assert _get(client, f"{BASE}/consultations/findes-ikke").status_code == 404


def test_published_responses_only_as_published_and_without_personal_data(client, world):
    items = _get(client, f"{BASE}/consultations/ogp-data/responses").json()["items"]
    assert len(items) == 3  # the one without consent is not there
    body = str(items)
    for value in PRIVATE:
        assert value not in body
    senders = {i["respondent_kind"]: i["sender"] for i in items}
    assert senders == {"citizen": "", "ngo": "Foreningen", "business": "Firma A/S"}
    assert "Vi foreslår åbne data." in body
    ngo = _get(client, f"{BASE}/consultations/ogp-data/responses?kind=ngo").json()["items"]
    assert [i["sender"] for i in ngo] == ["Foreningen"]
    assert _get(client, f"{BASE}/consultations/ogp-data/responses?kind=x").status_code == 422


def test_cursor_pages_walk_every_item_once(client, world):
    seen, url, pages = [], f"{BASE}/consultations/ogp-data/responses?limit=1", 0
    while url:
        answer = client.get(url.removeprefix("http://127.0.0.1:8000"))
        assert answer.status_code == 200
        page = answer.json()
        seen += [i["reference"] for i in page["items"]]
        url, pages = page["next"], pages + 1
        assert pages < 10
    assert len(seen) == len(set(seen)) == 3
    assert _get(client, f"{BASE}/consultations/ogp-data/responses?cursor=!!").status_code == 400
    assert _get(client, f"{BASE}/consultations?limit=0").status_code == 422


def test_plans_commitments_milestones_progress_assessments_and_forum(client, world):
    plans = _get(client, f"{BASE}/plans").json()["items"]
    assert [p["slug"] for p in plans] == ["dk-2012"]
    links = plans[0]["links"]
    commitments = client.get(links["commitments"].removeprefix("http://127.0.0.1:8000")).json()
    assert [c["identifier"] for c in commitments["items"]] == ["DK0001", "DK0002"]
    assert commitments["items"][0]["lead_agency"] == "Digitaliseringsstyrelsen"
    milestones = _get(client, f"{BASE}/plans/dk-2012/milestones?commitment=DK0001").json()
    assert len(milestones["items"]) == 2
    progress = _get(client, f"{BASE}/plans/dk-2012/progress").json()["items"]
    assert progress[0]["note"] == "Godt i gang." and progress[0]["commitment"] == "DK0001"
    assert _get(client, f"{BASE}/plans/dk-2012/progress?since=2013-01-01").json()[
        "items"] == []
    assert _get(client, f"{BASE}/plans/dk-2012/forum-meetings").json()["items"][0][
        "decisions"] == "Næste møde i marts."
    assert _get(client, f"{BASE}/plans/dk-2012/assessments").json()["items"][0][
        "commitment"] == "DK0001"
    everything = str([commitments, milestones, progress])
    assert "Anne Embedsmand" not in everything and "dk0001@gov.example" not in everything


def test_drafts_are_not_public(client, world):
    world["plan"].status = "drafting"
    world["plan"].save(update_fields=["status"])
    assert _get(client, f"{BASE}/plans").json()["items"] == []
    assert _get(client, f"{BASE}/plans/dk-2012/commitments").status_code == 404


def test_conditional_requests_answer_304(client, world, admin_user):
    path = f"{BASE}/consultations/ogp-data/responses"
    first = _get(client, path)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified
    again = _get(client, path, if_none_match=etag)
    assert again.status_code == 304 and again.content == b""
    assert _get(client, path, if_modified_since=modified).status_code == 304
    # Data changes: a new ETag and a later Last-Modified, so the cached copy is not reused.
    later = receive(world["consultation"], text="Et sent svar om åbne data.", channel="email")
    _publish(admin_user, Response.objects.get(pk=later.response_id))
    changed = _get(client, path, if_none_match=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert parsedate_to_datetime(changed["Last-Modified"]) >= parsedate_to_datetime(modified)


def test_cors_for_reads_without_credentials(client, world):
    answer = _get(client, f"{BASE}/plans", origin="https://journalist.example")
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in answer
    preflight = client.options(f"{BASE}/plans", headers={
        "origin": "https://journalist.example", "access-control-request-method": "GET"})
    assert preflight.status_code == 204
    assert "GET" in preflight["Access-Control-Allow-Methods"]


def test_rate_limit_per_client_answers_429_with_retry_after(client, world, settings):
    settings.SAMSKAB_API_READ_RATE = 3
    for _ in range(3):
        assert client.get(f"{BASE}/plans", REMOTE_ADDR="10.0.0.1").status_code == 200
    blocked = client.get(f"{BASE}/plans", REMOTE_ADDR="10.0.0.1")
    assert blocked.status_code == 429
    assert 1 <= int(blocked["Retry-After"]) <= 60
    # Another client is not affected.
    assert client.get(f"{BASE}/plans", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_openapi_is_generated_3_1_and_every_answer_conforms(client, world):
    spec = _get(client, f"{BASE}/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert f"{'/api/v1/read'}/consultations/{{slug}}/responses" in spec["paths"]
    checked = 0
    for path, item in spec["paths"].items():
        concrete = (path.replace("{slug}", "dk-2012" if "/plans/" in path else "ogp-data"))
        answer = client.get(concrete)
        assert answer.status_code == 200, (concrete, answer.content[:200])
        schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        jsonschema.validate(answer.json(), {**schema, "components": spec["components"]},
                            cls=jsonschema.Draft202012Validator)
        checked += 1
    assert checked == 13


def test_browsable_docs_use_local_assets(client, world):
    answer = _get(client, f"{BASE}/docs/")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html


EXAMPLES = 6  # per operation: bounded, the run takes seconds


def test_schemathesis_finds_no_server_error_and_no_schema_violation(world, settings):
    import schemathesis

    from samskab.api.read import api

    settings.SAMSKAB_API_READ_RATE = 1_000_000
    cache.clear()
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = get_wsgi_application()
    # As Django's test client does: the test's transaction keeps its connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        calls = _schemathesis_run(schema, world)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert calls >= 13


def _schemathesis_run(schema, world) -> int:
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 13
    calls = 0
    for operation in operations:
        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        def run(case):
            nonlocal calls
            if "slug" in (case.path_parameters or {}):
                # Half the examples on real data, the rest on what hypothesis makes up.
                if calls % 2 == 0:
                    case.path_parameters["slug"] = ("dk-2012" if "/plans/" in case.path
                                                    else world["consultation"].slug)
            calls += 1
            # A made-up cursor is rightly a 400 although the schema cannot say so.
            excluded = [positive_data_acceptance] if "cursor" in (case.query or {}) else []
            case.call_and_validate(excluded_checks=excluded)

        run()
    return calls
