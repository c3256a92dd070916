"""Self-assessment reports generated from the data, as documents, put to public comment."""

from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from factories import receive
from samskab.core.actions import SystemActor
from samskab.core.errors import DomainError
from samskab.publishing.self_assessment import self_assessment_document, self_assessment_outline
from samskab.tracking.services import (
    assessment_save,
    forum_meeting_record,
    progress_record,
    self_assessment_create,
)

CLI = SystemActor("cli")
CLOSES = datetime(2030, 1, 1, tzinfo=dt_timezone.utc)


@pytest.fixture
def report(plan_2012):
    progress_record(actor=CLI, milestone=plan_2012["c1"].milestones.first(), status="complete",
                    reported_on=date(2012, 9, 1), note="Udgiftsdata er lagt ud.")
    progress_record(actor=CLI, milestone=plan_2012["c2"].milestones.first(), status="limited",
                    reported_on=date(2012, 11, 1), note="Efter opgørelsen.")
    assessment_save(actor=CLI, commitment=plan_2012["c1"], codings={
        "specificity": "high", "relevant_values": ["access_to_information"],
        "potential_impact": "moderate", "completion": "substantial"})
    forum_meeting_record(actor=CLI, plan=plan_2012["plan"], held_on=date(2012, 6, 1),
                         government=["Digitaliseringsstyrelsen"], civil_society=["Borger.nu"],
                         minutes="Status.")
    return self_assessment_create(actor=CLI, plan=plan_2012["plan"], kind="mid_term",
                                  as_of=date(2012, 10, 1), closes_at=CLOSES)


def test_report_is_built_from_the_data_as_of_its_date(report):
    snap = report.snapshot
    assert snap["as_of"] == "2012-10-01" and snap["figures"]["complete"] == 1
    c1, c2 = snap["plan"]["commitments"]
    assert [p["note"] for p in c1["progress"]] == ["Udgiftsdata er lagt ud."]
    assert c2.get("progress") == []  # reported after the as-of date
    assert snap["forum"]["meetings"][0]["minutes"] == "Status."
    headings = [h for _level, h, _p, _t in self_assessment_outline(report)]
    assert headings[0] == "Sammenfatning" and headings[-1] == "Multi-stakeholder-forum"


def test_report_opens_a_consultation_for_comments(report, client):
    consultation = report.consultation
    assert consultation.slug == "dk-2012-midtvejs"
    assert consultation.closes_at == CLOSES
    receipt = receive(consultation, text="Forummet bør mødes oftere.")
    assert receipt.consultation_slug == consultation.slug
    page = client.get(reverse("tracking_public:plan", args=[report.plan.slug]))
    assert "Kommentér selvevalueringen" in page.content.decode()


@pytest.mark.parametrize("fmt,magic", [("pdf", b"%PDF"), ("docx", b"PK"), ("odt", b"PK")])
def test_report_documents(report, client, fmt, magic):
    if fmt != "pdf":  # the PDF is slow to make: once, through the page
        assert self_assessment_document(report, fmt, "en").startswith(magic)
    response = client.get(reverse("tracking_public:self_assessment", args=[report.pk, fmt]))
    assert response.status_code == 200 and response.content.startswith(magic)


def test_one_report_of_each_kind_and_only_coordinators(report, plan_2012):
    with pytest.raises(DomainError):
        self_assessment_create(actor=CLI, plan=plan_2012["plan"], kind="mid_term",
                               as_of=date(2012, 10, 1), closes_at=CLOSES)
    with pytest.raises(PermissionDenied):
        self_assessment_create(actor=plan_2012["officer_digst"], plan=plan_2012["plan"],
                               kind="end_of_term", as_of=date(2013, 3, 31),
                               closes_at=CLOSES + timedelta(days=1))
