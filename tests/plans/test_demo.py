"""The demo's action plan: nine commitments traced to the demo consultation's ideas, one
flagged as not new, one milestone warned, out for comment with comments analysed."""

import pytest
from django.urls import reverse

from samskab.demo.load import demo_load
from samskab.demo.publish import demo_publish
from samskab.insights.demo import demo_analyse
from samskab.insights.models import Idea, Position, PositionKind
from samskab.plans.demo import PLAN_SLUG, demo_plan
from samskab.plans.models import ActionPlan, PlanComment, PlanStatus
from samskab.plans.services import plan_findings

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # loads the whole demo


@pytest.fixture
def plan(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_load()
    demo_analyse()
    demo_publish()
    return demo_plan()


def test_demo_plan_is_traced_flagged_and_out_for_comment(client, plan):
    assert plan.status == PlanStatus.PUBLIC_COMMENT
    commitments = list(plan.commitments.all())
    assert len(commitments) == 9
    assert all(c.sources.exists() for c in commitments)
    findings = plan_findings(plan)
    assert sorted((f.code, f.where) for f in findings) == [
        ("COMMITMENT-NOT-NEW", "commitments[0]"),
        ("MILESTONE-NOT-VERIFIABLE", "commitments[7].milestones[0]")]
    # Linking made the positions: every linked idea is (partly) adopted.
    linked = Idea.objects.filter(commitment_sources__commitment__plan=plan).distinct()
    assert {p.kind for p in Position.objects.filter(idea__in=linked)} == {
        PositionKind.ADOPTED, PositionKind.PARTLY_ADOPTED}
    version = plan.versions.get()
    comments = PlanComment.objects.filter(version=version)
    assert comments.count() == 4 and comments.filter(paragraph="problem.1").exists()
    assert version.comment_consultation.ideas.exists()  # the comments were analysed
    # Public: the commitment page shows where it came from; a response links forward to it.
    page = client.get(reverse("plans_public:commitment", args=[PLAN_SLUG, "DK0001"]))
    assert page.status_code == 200 and "Hvor kommer det fra?" in page.content.decode()
    assert "OGP-2012-" in page.content.decode()
    # Reruns change nothing (one test: loading the demo is the slow part).
    before = (ActionPlan.objects.count(), plan.commitments.count(), plan.versions.count(),
              PlanComment.objects.count())
    assert demo_plan().pk == plan.pk
    assert (ActionPlan.objects.count(), plan.commitments.count(), plan.versions.count(),
            PlanComment.objects.count()) == before
