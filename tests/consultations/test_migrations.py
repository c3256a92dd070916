"""Data migrations of consultations, run forwards on rows written before them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("consultations", "0004_organisations_from_text")]
AFTER = [("consultations", "0005_response_respondent_kind")]


@pytest.mark.django_db(transaction=True)
def test_responses_received_before_get_their_respondents_kind():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Consultation = apps.get_model("consultations", "Consultation")
        Respondent = apps.get_model("consultations", "Respondent")
        Response = apps.get_model("consultations", "Response")
        moment = datetime(2012, 2, 3, 9, tzinfo=UTC)
        consultation = Consultation.objects.create(
            slug="before", title_da="Høring", published_at=moment, opens_at=moment,
            closes_at=moment + timedelta(days=30), reference_prefix="F")
        kinds = ["citizen", "ngo", "authority_municipality", "citizen", "business"]
        for i, kind in enumerate(kinds):
            Response.objects.create(
                reference=f"F-{i}", consultation=consultation, channel="web",
                received_at=moment, text=f"Svar {i}",
                respondent=Respondent.objects.create(kind=kind))
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    executor = MigrationExecutor(connection)
    apps = executor.loader.project_state(AFTER).apps
    copied = apps.get_model("consultations", "Response").objects.order_by("reference")
    assert [r.respondent_kind for r in copied] == kinds
    assert all(r.respondent_kind == r.respondent.kind for r in copied)


@pytest.mark.django_db
def test_responses_have_no_index_that_another_index_covers():
    """Every index of consultations_response is written for every response received (issue
    15): the consultation alone and the status alone are covered by (consultation, status)
    and the other indexes that lead with the consultation (migration 0006)."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "consultations_response")
    indexed = [tuple(c["columns"]) for c in found.values()
               if c["index"] and not c["primary_key"] and not c["unique"]]
    assert ("consultation_id",) not in indexed
    assert ("status",) not in indexed
    assert ("consultation_id", "status") in indexed
    assert not [name for name in found if name.endswith("_like")]


@pytest.mark.django_db
def test_postgresql_analyses_the_responses_as_a_consultation_fills_up():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL storage parameter")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'consultations_response'")
        options = cursor.fetchone()[0]
    assert "autovacuum_analyze_scale_factor=0.01" in options
