"""core.prepared: a queryset compiled once gives what the queryset itself gives."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import ConsultationFactory, receive

from samskab.consultations.models import Consultation, Response
from samskab.core.prepared import Prepared

pytestmark = pytest.mark.django_db

BY_REFERENCE = Prepared(
    lambda reference: Response.objects.select_related("consultation", "respondent")
    .filter(reference=reference), reference="\x00ref")
OF_CONSULTATION = Prepared(
    lambda consultation_id, channel: Response.objects.filter(
        consultation_id=consultation_id, channel=channel).order_by("id"),
    consultation_id=-1, channel="\x00channel")


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_same_instances_as_the_queryset_with_related_rows_and_converted_values():
    consultation = ConsultationFactory()
    receive(consultation, text="Første svar")
    second = receive(consultation, text="Andet svar")
    expected = Response.objects.select_related("consultation", "respondent").get(
        reference=second.reference)

    found = BY_REFERENCE.first(reference=second.reference)

    assert _fields(found) == _fields(expected)
    assert found.received_at.tzinfo is not None  # converted as the ORM converts
    assert isinstance(found.source, dict)
    with CaptureQueriesContext(connection) as queries:
        assert _fields(found.consultation) == _fields(expected.consultation)
        assert _fields(found.respondent) == _fields(expected.respondent)
    assert len(queries) == 0  # select_related rows came with the one query
    assert BY_REFERENCE.first(reference="X-404") is None


def test_every_stand_in_is_replaced_and_the_sql_is_compiled_once():
    one, other = ConsultationFactory(), ConsultationFactory()
    for consultation in (one, other, one):
        receive(consultation, text=f"Svar til {consultation.slug}")

    statements = []

    def capture(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        first = OF_CONSULTATION.all(consultation_id=one.pk, channel="web")
        second = OF_CONSULTATION.all(consultation_id=other.pk, channel="web")
    assert [r.pk for r in first] == list(
        Response.objects.filter(consultation=one, channel="web").order_by("id")
        .values_list("pk", flat=True))
    assert [r.consultation_id for r in second] == [other.pk]
    assert OF_CONSULTATION.all(consultation_id=one.pk, channel="email") == []
    assert len(statements) == 2 and statements[0] is statements[1]  # the same compiled SQL


def test_a_stand_in_the_query_transforms_is_refused():
    prepared = Prepared(lambda slug: Consultation.objects.filter(slug__contains=slug),
                        slug="\x00Slug")
    ConsultationFactory()
    with pytest.raises(ValueError, match="stand-in"):
        prepared.all(slug="x")
