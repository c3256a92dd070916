"""Tokens and a JSON client for the API tests."""

import json

import pytest

from factories import ConsultationFactory
from samskab.api import services
from samskab.core.actions import SystemActor


@pytest.fixture
def consultation(db):
    return ConsultationFactory(slug="ogp-2012", reference_prefix="OGP-2012")


@pytest.fixture
def secret(consultation):
    _token, secret = services.api_token_create(
        consultation=consultation, name="Høringsportalen", actor=SystemActor("test"),
    )
    return secret


@pytest.fixture
def post(client):
    """POST JSON to an API path with a bearer secret (None: no Authorization header)."""

    def send(path, body, *, secret=None, headers=None, raw=None,
             content_type="application/json"):
        extra = dict(headers or {})
        if secret is not None:
            extra["Authorization"] = f"Bearer {secret}"
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False)
        return client.post(path, data=data, content_type=content_type, headers=extra)

    return send
