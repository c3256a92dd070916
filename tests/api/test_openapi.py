"""The OpenAPI description is served, well-formed and says what the code does."""

import json

import pytest
from django.urls import Resolver404, resolve

from factories import ConsultationFactory
from samskab.api import views
from samskab.consultations.intake.files import RECORD_FIELDS
from samskab.consultations.models import RespondentKind
from samskab.core.actions import SystemActor

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json"
    return answer.json()


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_is_openapi_3_1_with_bearer_security(spec):
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["servers"] == [{"url": "/api/v1"}]


def test_every_reference_resolves(spec):
    refs = set(_refs(spec))
    assert refs
    for ref in refs:
        node = spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]


def test_every_path_is_served_and_every_api_url_described(spec):
    for path in spec["paths"]:
        resolve("/api/v1" + path.replace("{slug}", "ogp-2012"))
    from samskab.api.urls import urlpatterns

    described = {p.replace("{slug}", "<slug:slug>") for p in spec["paths"]}
    assert {"/" + str(u.pattern) for u in urlpatterns} == described
    with pytest.raises(Resolver404):
        resolve("/api/v1/consultations/ogp-2012/nothing")


def test_record_schema_matches_the_parser(spec):
    record = spec["components"]["schemas"]["ResponseRecord"]
    assert set(record["properties"]) == set(RECORD_FIELDS)
    assert record["required"] == ["text"]
    assert record["properties"]["respondent_kind"]["enum"] == list(RespondentKind.values)


def test_every_error_code_the_views_use_is_listed(spec):
    codes = spec["components"]["schemas"]["ErrorDetail"]["properties"]["code"]["enum"]
    assert set(views.STATUS) <= set(codes)
    for path in spec["paths"].values():
        for operation in path.values():
            for status in operation["responses"]:
                assert status.isdigit()


def test_receipt_schema_matches_a_real_answer(spec, client, db):
    from samskab.api import services
    consultation = ConsultationFactory()
    _token, secret = services.api_token_create(consultation=consultation, name="P",
                                               actor=SystemActor("t"))
    answer = client.post(
        f"/api/v1/consultations/{consultation.slug}/responses",
        data=json.dumps({"text": "Åbne data, tak."}), content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    receipt = spec["components"]["schemas"]["Receipt"]
    assert set(answer.json()) == set(receipt["properties"]) == set(receipt["required"])
    batch = client.post(
        f"/api/v1/consultations/{consultation.slug}/responses/batch",
        data=json.dumps({"responses": [{"text": "Mere åbenhed."}]}),
        content_type="application/json", headers={"Authorization": f"Bearer {secret}"},
    )
    result = spec["components"]["schemas"]["BatchResult"]
    assert set(batch.json()) == set(result["properties"])
    bad = client.post(
        f"/api/v1/consultations/{consultation.slug}/responses/batch",
        data=json.dumps({"responses": [{"text": ""}]}),
        content_type="application/json", headers={"Authorization": f"Bearer {secret}"},
    )
    error = spec["components"]["schemas"]["BatchError"]
    assert set(bad.json()) == set(error["properties"])
    assert set(bad.json()["errors"][0]) == set(
        error["properties"]["errors"]["items"]["required"]
    )
