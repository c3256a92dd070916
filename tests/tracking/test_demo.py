"""The demo's 2012 plan half-way through implementation, and idempotent reruns."""

import pytest
from django.urls import reverse

from samskab.demo.load import demo_load
from samskab.demo.publish import demo_publish
from samskab.insights.demo import demo_analyse
from samskab.plans.demo import demo_plan
from samskab.plans.models import PlanStatus
from samskab.tracking.demo import demo_tracking
from samskab.tracking.models import (
    Assessment,
    ForumMeeting,
    ProgressUpdate,
    SelfAssessment,
    SimilarCommitment,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # loads the whole demo


@pytest.fixture
def summary(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_load()
    demo_analyse()
    demo_publish()
    demo_plan()
    return demo_tracking()


def test_demo_plan_in_implementation_with_its_story_and_reruns(summary, client):
    plan = summary.plan
    assert plan.status == PlanStatus.IMPLEMENTATION
    authors = set(ProgressUpdate.objects.filter(milestone__commitment__plan=plan)
                  .values_list("author_label", flat=True))
    assert authors == {"digst-officer", "oes-officer"}
    assert ForumMeeting.objects.filter(plan=plan).count() == 3
    assert Assessment.objects.filter(commitment__plan=plan, starred=True).exists()
    assert Assessment.objects.filter(commitment__plan=plan, starred=False).exists()
    report = SelfAssessment.objects.get(plan=plan)
    assert report.kind == "mid_term" and report.consultation.closes_at > report.created_at
    assert summary.foreign >= 10 and summary.similar > 0
    grunddata = plan.commitments.get(identifier="DK0001")
    best = SimilarCommitment.objects.filter(commitment=grunddata).select_related(
        "foreign").first()
    assert best is not None and best.foreign.ogp_id == "DEMO-UK-01"

    page = client.get(reverse("tracking_public:plan", args=[plan.slug]))
    html = page.content.decode()
    assert page.status_code == 200 and "Forsinkede milepæle" in html
    assert "Kommentér selvevalueringen" in html
    page = client.get(reverse("tracking_public:commitment", args=[grunddata.pk]))
    assert "Free address and map data" in page.content.decode()

    # Running the demo again changes nothing.
    counts = (ProgressUpdate.objects.count(), ForumMeeting.objects.count(),
              Assessment.objects.count(), SelfAssessment.objects.count(),
              SimilarCommitment.objects.count())
    again = demo_tracking()
    assert again.plan.pk == summary.plan.pk
    assert counts == (ProgressUpdate.objects.count(), ForumMeeting.objects.count(),
                      Assessment.objects.count(), SelfAssessment.objects.count(),
                      SimilarCommitment.objects.count())
