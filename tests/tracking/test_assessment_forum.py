"""Assessments with computed stars; the forum log and its cadence check."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from factories import UserFactory
from samskab.core import roles
from samskab.core.actions import SystemActor
from samskab.core.errors import DomainError
from samskab.core.models import AuditEvent
from samskab.tracking import forum
from samskab.tracking.services import assessment_save, forum_meeting_record, plan_forum_cadence

CLI = SystemActor("cli")
STAR = {"specificity": "high", "relevant_values": ["access_to_information"],
        "potential_impact": "moderate", "completion": "complete"}


def test_assessment_takes_the_plans_era_and_computes_the_star(plan_2012):
    editor = UserFactory(roles=[roles.PLAN_EDITOR])
    a = assessment_save(actor=editor, commitment=plan_2012["c1"],
                        codings={**STAR, "starred": False})
    assert a.framework == "pre2017" and a.starred is True and a.promising is None
    assert a.verdict().reason() == ("specificity medium or high, relevant, potential impact "
                                    "moderate or transformative, completion substantial or "
                                    "complete")
    a = assessment_save(actor=editor, commitment=plan_2012["c1"],
                        codings={**STAR, "completion": "limited", "starred": True})
    assert a.starred is False
    event = AuditEvent.objects.filter(action="assessment.save").order_by("-id").first()
    assert event.before["starred"] is True and event.after["starred"] is False


def test_assessment_off_the_scale_names_the_field(plan_2012):
    with pytest.raises(DomainError) as caught:
        assessment_save(actor=CLI, commitment=plan_2012["c1"],
                        codings={"potential_for_results": "substantial"})
    assert caught.value.field == "potential_for_results"
    with pytest.raises(DomainError):
        assessment_save(actor=CLI, commitment=plan_2012["c1"], codings={},
                        framework="2030")


def test_agency_officers_do_not_assess(plan_2012):
    with pytest.raises(PermissionDenied):
        assessment_save(actor=plan_2012["officer_digst"], commitment=plan_2012["c1"],
                        codings=STAR)


def test_forum_meetings_are_logged_and_checked(plan_2012):
    plan = plan_2012["plan"]
    for held_on, civil in [(date(2012, 5, 1), ["Transparency International"]),
                           (date(2012, 9, 1), []), (date(2013, 2, 1), ["Borger.nu"])]:
        forum_meeting_record(actor=CLI, plan=plan, held_on=held_on,
                             government=["Digitaliseringsstyrelsen"], civil_society=civil,
                             minutes="Status på forpligtelserne.")
    cadence = plan_forum_cadence(plan, today=date(2013, 6, 1))
    assert cadence.gaps == [] and cadence.met
    assert [(y.with_civil_society, y.complete) for y in cadence.years] == [(2, True)]


def test_forum_meeting_needs_participants_and_minutes(plan_2012):
    with pytest.raises(DomainError) as caught:
        forum_meeting_record(actor=CLI, plan=plan_2012["plan"], held_on=date(2012, 5, 1),
                             government=[" "], civil_society=[], minutes="x")
    assert caught.value.code == "no_participants"
    with pytest.raises(PermissionDenied):
        forum_meeting_record(actor=plan_2012["officer_digst"], plan=plan_2012["plan"],
                             held_on=date(2012, 5, 1), government=["A"], civil_society=[],
                             minutes="x")


def test_cadence_finds_long_gaps_and_thin_years():
    start, end = date(2021, 1, 1), date(2022, 12, 31)
    meetings = [(date(2021, 2, 1), True), (date(2021, 11, 1), False), (date(2022, 3, 1), True),
                (date(2022, 6, 1), True)]
    c = forum.forum_cadence(meetings, start=start, end=end, today=date(2023, 3, 1))
    assert [(g.start, g.end) for g in c.gaps] == [(date(2021, 2, 1), date(2021, 11, 1)),
                                                  (date(2022, 6, 1), date(2022, 12, 31))]
    assert [(y.with_civil_society, y.met) for y in c.years] == [(1, False), (2, True)]
    assert not c.met


def test_cadence_of_a_year_under_way_is_not_yet_a_finding():
    c = forum.forum_cadence([(date(2024, 2, 1), True)], start=date(2024, 1, 1),
                            end=date(2025, 12, 31), today=date(2024, 5, 1))
    assert c.met and c.years[0].complete is False and c.years[0].with_civil_society == 1
    # No meeting at all for more than six months from the start is a gap.
    c = forum.forum_cadence([], start=date(2024, 1, 1), end=date(2025, 12, 31),
                            today=date(2024, 9, 1))
    assert len(c.gaps) == 1 and not c.met
