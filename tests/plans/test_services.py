"""Plans' use cases on the real database: the golden link, versions, comment, adoption."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from factories import UserFactory
from samskab.consultations.models import Response
from samskab.consultations.services import RespondentData
from samskab.core.errors import DomainError
from samskab.core.models import AuditEvent
from samskab.insights.models import Position, PositionKind
from samskab.plans import services
from samskab.plans.diff import plan_diff
from samskab.plans.exports import plan_as_dict
from samskab.plans.models import PlanComment, PlanStatus, PlanVersion

from .conftest import ACTOR

pytestmark = pytest.mark.django_db


def test_linking_an_idea_adopts_it_and_traces_the_commitment(world, editor):
    commitment, idea = world["commitment"], world["grants"]
    source = services.commitment_source_link(actor=editor, commitment=commitment, idea=idea)
    position = Position.objects.get(idea=idea)
    assert position.kind == PositionKind.ADOPTED and source.position == position
    assert position.commitment_ref == f"{commitment.identifier} {commitment.title_da}"
    assert commitment.identifier in position.justification_da
    # Idempotent, and a position already taken with is left as the authority wrote it.
    again = services.commitment_source_link(actor=editor, commitment=commitment, idea=idea)
    assert again.pk == source.pk and commitment.sources.count() == 1
    assert AuditEvent.objects.filter(action="commitment.source_link").count() == 2
    assert AuditEvent.objects.filter(action="position.set",
                                     object_id=str(position.pk)).count() == 1


def test_partly_adopted_link_and_refusals(world, editor):
    commitment, lobby = world["commitment"], world["lobby"]
    services.commitment_source_link(actor=editor, commitment=commitment, idea=lobby,
                                    kind=PositionKind.PARTLY_ADOPTED)
    assert Position.objects.get(idea=lobby).kind == PositionKind.PARTLY_ADOPTED
    with pytest.raises(DomainError) as error:
        services.commitment_source_link(actor=editor, commitment=commitment, idea=lobby,
                                        kind=PositionKind.NOT_ADOPTED)
    assert error.value.code == "position_kind"
    analyst = UserFactory(roles=["analyst"])
    with pytest.raises(PermissionDenied):
        services.commitment_source_link(actor=analyst, commitment=commitment,
                                        idea=world["grants"])


def test_unlinking_keeps_the_position(world, editor):
    source = services.commitment_source_link(actor=editor, commitment=world["commitment"],
                                             idea=world["grants"])
    services.commitment_source_unlink(actor=editor, source=source)
    assert not world["commitment"].sources.exists()
    assert Position.objects.get(idea=world["grants"]).kind == PositionKind.ADOPTED


def test_findings_follow_the_plan(world, editor):
    codes = [f.code for f in services.plan_findings(world["plan"])]
    assert codes == ["COMMITMENT-NO-SOURCE"]
    services.commitment_source_link(actor=editor, commitment=world["commitment"],
                                    idea=world["grants"])
    assert services.plan_findings(world["plan"]) == []


def test_adoption_is_blocked_while_an_error_remains(world, editor):
    services.commitment_save(actor=editor, plan=world["plan"], values={"title_da": "Uden alt"})
    with pytest.raises(DomainError) as error:
        services.plan_adopt(actor=editor, plan=world["plan"])
    assert error.value.code == "plan_has_errors"
    world["plan"].refresh_from_db()
    assert world["plan"].status == PlanStatus.DRAFTING
    assert not PlanVersion.objects.exists()


def test_adopt_freezes_a_version_and_stops_editing(world, editor):
    version = services.plan_adopt(actor=editor, plan=world["plan"])
    world["plan"].refresh_from_db()
    assert world["plan"].status == PlanStatus.ADOPTED
    assert version.snapshot == plan_as_dict(world["plan"])
    with pytest.raises(DomainError):
        services.commitment_save(actor=editor, plan=world["plan"],
                                 commitment=world["commitment"], values={"title_da": "Nyt"})
    with pytest.raises(TypeError):
        version.note = "changed"
        version.save()
    services.plan_advance(actor=editor, plan=world["plan"])
    assert world["plan"].status == PlanStatus.IMPLEMENTATION


def test_publish_for_comment_opens_a_consultation_and_anchors_comments(world, editor):
    plan, commitment = world["plan"], world["commitment"]
    version = services.plan_publish_for_comment(
        actor=editor, plan=plan, closes_at=timezone.now() + timedelta(days=14))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLIC_COMMENT
    consultation = version.comment_consultation
    assert consultation.is_open and consultation.plan_version == version
    receipt = services.plan_comment_receive(
        version=version, text="Tag også kommunernes tilskud med.",
        respondent=RespondentData(kind="citizen", name="Åse", email="aase@mail.example"),
        commitment_identifier=commitment.identifier, paragraph="problem.2")
    comment = PlanComment.objects.get(response_id=receipt.response_id)
    assert comment.version == version and comment.quoted == "Tallene ligger i PDF'er."
    response = Response.objects.get(pk=receipt.response_id)
    assert response.consultation == consultation
    assert response.source["plan_comment"]["paragraph"] == "problem.2"
    # The anchor is kept against the version even when the text is edited afterwards.
    services.commitment_save(actor=editor, plan=plan, commitment=commitment,
                             values={"problem_da": "Et nyt problem."})
    comment.refresh_from_db()
    assert comment.quoted == "Tallene ligger i PDF'er."
    for bad in ({"commitment_identifier": "DK9999"},
                {"commitment_identifier": commitment.identifier, "paragraph": "problem.9"},
                {"paragraph": "problem.1"}):
        with pytest.raises(DomainError):
            services.plan_comment_receive(version=version, text="x",
                                          respondent=RespondentData(), **bad)
    assert PlanComment.objects.count() == 1


def test_versions_and_a_readable_diff(world, editor):
    first = services.plan_version_create(actor=editor, plan=world["plan"], note="første")
    services.commitment_save(actor=editor, plan=world["plan"], commitment=world["commitment"],
                             values={"description_da": "Alle statslige og kommunale tilskud "
                                                       "offentliggøres som åbne data."})
    services.commitment_save(actor=editor, plan=world["plan"],
                             values={"title_da": "Lobbyregister"}, identifier="DK0099")
    second = services.plan_version_create(actor=editor, plan=world["plan"])
    assert (first.number, second.number) == (1, 2)
    changes = plan_diff(first.snapshot, second.snapshot)
    kinds = {(c.kind, c.where) for c in changes}
    assert ("changed", world["commitment"].identifier) in kinds and ("added", "DK0099") in kinds
    description = next(f for c in changes for f in c.fields if f.name == "description")
    assert ("ins", "og kommunale ") in [(op, t) for op, t in description.segments] or any(
        op == "ins" and "kommunale" in t for op, t in description.segments)


def test_strategy_import_and_not_new(world, editor):
    services.strategy_import(actor=editor, slug="digi-2011", title_da="Digitaliseringsstrategi",
                             initiatives=[{"identifier": "1", "title": "Åbne tilskudsdata",
                                           "text": "Statslige tilskud offentliggøres som åbne "
                                                   "data."}])
    codes = [f.code for f in services.plan_findings(world["plan"])]
    assert "COMMITMENT-NOT-NEW" in codes
    with pytest.raises(DomainError):
        services.strategy_import(actor=editor, slug="x", title_da="X",
                                 initiatives=[{"identifier": "1", "title": "a"},
                                              {"identifier": "1", "title": "b"}])


def test_identifiers_are_numbered_per_country(world, editor):
    second = services.commitment_save(actor=editor, plan=world["plan"],
                                      values={"title_da": "Anden"})
    assert (world["commitment"].identifier, second.identifier) == ("DK0001", "DK0002")
    with pytest.raises(DomainError):
        services.commitment_save(actor=editor, plan=world["plan"], values={"title_da": "X"},
                                 identifier="DK0001")
    assert services.plan_save(actor=ACTOR, title_da="Næste plan", period_start=date(2013, 4, 1),
                              period_end=date(2015, 3, 31)).slug == "naeste-plan"
