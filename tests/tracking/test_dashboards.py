"""Dashboard figures: right numbers from aggregate queries, a bounded number of queries."""

from datetime import date, timedelta

import pytest

from factories import ConsultationFactory, PublishedVersionFactory, receive
from samskab.consultations.models import Response
from samskab.core.actions import SystemActor
from samskab.tracking import charts
from samskab.tracking.dashboards import consultation_dashboard, plan_dashboard
from samskab.tracking.services import assessment_save, progress_record

CLI = SystemActor("cli")


def test_plan_dashboard_counts(plan_2012, django_assert_max_num_queries):
    c1 = plan_2012["c1"]
    first, second = c1.milestones.all()
    progress_record(actor=CLI, milestone=first, status="complete",
                    reported_on=date(2012, 9, 15), note="Færdig.")
    progress_record(actor=CLI, milestone=second, status="limited",
                    reported_on=date(2012, 10, 1), note="I gang.")
    assessment_save(actor=CLI, commitment=c1, codings={
        "specificity": "high", "relevant_values": ["access_to_information"],
        "potential_impact": "moderate", "completion": "substantial"})
    with django_assert_max_num_queries(16):
        board = plan_dashboard(plan_2012["plan"], today=date(2013, 1, 15))
    assert dict(board.chart("status").rows)["Gennemført"] == 1
    assert dict(board.chart("status").rows)["Begrænset"] == 1
    agency = {r[0]: r[1:] for r in board.chart("agency").rows}
    assert agency["Digitaliseringsstyrelsen"] == (0, 1, 0, 1, 0)
    assert agency["Erhvervsstyrelsen"] == (1, 0, 0, 0, 0)
    assert board.figures["late"] == 1  # DK0002's bill, due 31 Dec 2012
    assert [m.title_da for m in board.lists["late"]] == ["Lovforslag fremsat"]
    assert board.figures["starred"] == 1 and board.lists["starred"] == [c1]
    completion = dict(board.chart("completion").rows)
    assert completion["Væsentlig"] == 1 and completion["Ikke påbegyndt"] == 1
    time_rows = {r[0]: r[1:] for r in board.chart("time").rows}
    assert time_rows["2012-09"] == (1, 1)
    assert time_rows["2012-12"] == (2, 1)
    assert time_rows["2013-01"] == (2, 1)


@pytest.mark.django_db
def test_consultation_dashboard_counts(django_assert_max_num_queries):
    consultation = ConsultationFactory()
    for _ in range(3):
        receive(consultation)
    # One letter that came in after the deadline.
    late = receive(consultation, text="Et sent brev om åbne data.")
    Response.objects.filter(pk=late.response_id).update(
        received_at=consultation.closes_at + timedelta(days=1), late=True, channel="letter")
    with django_assert_max_num_queries(30):  # first view: counts everything once
        consultation_dashboard(consultation, "all")
    with django_assert_max_num_queries(14):  # then reads the maintained tallies
        board = consultation_dashboard(consultation, "all")
    assert board.figures["total"] == 4 and board.figures["late"] == 1
    per_day = board.chart("per-day")
    assert sum(r[1] for r in per_day.rows) == 3 and sum(r[2] for r in per_day.rows) == 1
    assert dict(board.chart("channel").rows)["Brev"] == 1
    assert dict(board.chart("kind").rows)["Borger"] == 4


def test_chart_svg_is_accessible_and_csv_matches_the_table():
    chart = charts.Chart("x", "Milepæle", ("Myndighed", "Begrænset", "Gennemført"),
                         (("Digitaliseringsstyrelsen", 1, 2), ("Erhvervsstyrelsen", 0, 1)),
                         kind="hstacked")
    svg = charts.render_svg(chart)
    assert svg.startswith('<svg role="img" aria-label="Milepæle."')
    assert 'aria-describedby="data-x"' in svg
    assert "<script" not in svg and "kozea.github.io" not in svg
    assert 'id="samskab-p0"' in svg and 'id="samskab-p1"' in svg  # a pattern per series
    assert chart.csv().splitlines() == ["Myndighed,Begrænset,Gennemført",
                                        "Digitaliseringsstyrelsen,1,2", "Erhvervsstyrelsen,0,1"]


@pytest.mark.django_db
def test_tallies_add_new_responses_and_recount_after_a_staff_change():
    from samskab.tracking.tallies import tallies, tally_refresh

    consultation = ConsultationFactory()
    receive(consultation)
    assert tally_refresh(consultation) == "recount"
    assert tally_refresh(consultation) == "current"
    receive(consultation, text="Et andet svar om aktindsigt.")
    assert tally_refresh(consultation) == "added"
    assert sum(tallies(consultation, "all")["channel"].values()) == 2
    assert tallies(consultation, "public").get("channel", {}) == {}
    # The deadline passes (nothing is public before it) and a moderator publishes one (a
    # staff action, audited): the next refresh recounts.
    from django.utils import timezone

    type(consultation).objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1))
    PublishedVersionFactory(response=Response.objects.of(consultation).first())
    # A page view does not recount (the worker does) ...
    assert tally_refresh(consultation, allow_recount=False) == "current"
    assert tallies(consultation, "public").get("channel", {}) == {}
    # ... and the worker's next run does.
    assert tally_refresh(consultation) == "recount"
    assert sum(tallies(consultation, "public")["channel"].values()) == 1
