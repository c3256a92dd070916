"""The IRM eras, their scales and the starred rule (pure: no database)."""

import itertools
from datetime import date

import pytest

from samskab.tracking import irm

STARRED_2012 = {"specificity": "medium", "relevant_values": ["access_to_information"],
                "potential_impact": "moderate", "completion": "substantial"}


def test_framework_follows_plan_start():
    assert irm.framework_for(date(2012, 4, 1)) == irm.PRE2017
    assert irm.framework_for(2016) == irm.PRE2017
    assert irm.framework_for(date(2017, 1, 1)) == irm.Y2017_2020
    assert irm.framework_for(2020) == irm.Y2017_2020
    assert irm.framework_for(date(2021, 1, 1)) == irm.Y2021
    assert irm.framework_for(2030) == irm.Y2021


def test_original_rule_stars_with_moderate_impact_and_says_why():
    v = irm.verdict(irm.PRE2017, STARRED_2012, plan_start=date(2012, 4, 1))
    assert v.starred is True and v.promising is None
    assert v.reason() == ("specificity medium or high, relevant, potential impact moderate or "
                          "transformative, completion substantial or complete")
    assert v.reason("da").startswith("specificitet middel eller høj, relevant")


def test_from_2015_potential_impact_must_be_transformative():
    v = irm.verdict(irm.PRE2017, STARRED_2012, plan_start=2015)
    assert v.starred is False
    assert v.reason() == "not starred, missing: potential impact transformative"
    v = irm.verdict(irm.PRE2017, {**STARRED_2012, "potential_impact": "transformative"},
                    plan_start=2015)
    assert v.starred is True
    assert v.reason() == ("specificity medium or high, relevant, potential impact "
                          "transformative, completion substantial or complete")


def test_2017_2020_defaults_to_the_transformative_rule():
    assert irm.verdict(irm.Y2017_2020, STARRED_2012).starred is False
    transformative = {**STARRED_2012, "potential_impact": "transformative"}
    assert irm.verdict(irm.Y2017_2020, transformative).starred is True


# Exhaustive: every combination of the four codings, against the rule written out longhand.
@pytest.mark.parametrize("year", [2012, 2015])
def test_starred_rule_over_every_combination(year):
    value_sets = [[], ["technology_innovation"], ["civic_participation"],
                  ["public_accountability", "technology_innovation"]]
    seen = {True: 0, False: 0}
    for spec, values, impact, completion in itertools.product(
            [None, *irm.SPECIFICITY], value_sets, [None, *irm.POTENTIAL_IMPACT],
            [None, *irm.COMPLETION]):
        codings = {"specificity": spec, "relevant_values": values,
                   "potential_impact": impact, "completion": completion}
        expected = (spec in ("medium", "high")
                    and bool(set(values) & set(irm.CORE_VALUES))
                    and (impact == "transformative"
                         or (year < 2015 and impact == "moderate"))
                    and completion in ("substantial", "complete"))
        v = irm.verdict(irm.PRE2017, codings, plan_start=year)
        assert v.starred is expected, codings
        assert all(c.met for c in v.conditions) is expected
        seen[expected] += 1
    assert seen[True] and seen[False]


def test_technology_alone_is_not_relevant():
    v = irm.verdict(irm.PRE2017, {**STARRED_2012, "relevant_values": ["technology_innovation"]})
    assert v.starred is False
    assert v.reason() == "not starred, missing: relevant"


def test_withdrawn_and_no_evidence_are_never_starred():
    for completion in ("withdrawn", "no_evidence", "limited", "not_started"):
        assert irm.verdict(irm.PRE2017, {**STARRED_2012, "completion": completion}
                           ).starred is False


def test_2021_has_no_stars_but_promising():
    codings = {"verifiable": True, "relevant_values": ["civic_participation"],
               "potential_for_results": "substantial", "completion": "complete",
               "early_results": "significant"}
    v = irm.verdict(irm.Y2021, codings)
    assert v.starred is None and v.promising is True
    assert v.reason() == "verifiable, open government lens, potential for results substantial"
    v = irm.verdict(irm.Y2021, {**codings, "verifiable": False})
    assert v.promising is False
    assert v.reason() == "not promising, missing: verifiable"
    v = irm.verdict(irm.Y2021, {**codings, "potential_for_results": "modest"})
    assert v.promising is False


def test_starred_in_input_is_ignored():
    v = irm.verdict(irm.PRE2017, {**STARRED_2012, "completion": "limited", "starred": True})
    assert v.starred is False


@pytest.mark.parametrize("framework,codings,field", [
    ("pre2017", {"specificity": "very high"}, "specificity"),
    ("pre2017", {"potential_for_results": "modest"}, "potential_for_results"),
    ("pre2017", {"verifiable": True}, "verifiable"),
    ("2021+", {"specificity": "high"}, "specificity"),
    ("2021+", {"potential_impact": "minor"}, "potential_impact"),
    ("2021+", {"verifiable": "yes"}, "verifiable"),
    ("2017-2020", {"relevant_values": ["transparency"]}, "relevant_values"),
    ("2017-2020", {"completion": "done"}, "completion"),
    ("2017-2020", {"did_it_open_government": "a lot"}, "did_it_open_government"),
    ("2021+", {"early_results": "great"}, "early_results"),
    ("2030", {}, "framework"),
])
def test_codings_off_the_era_scale_are_refused(framework, codings, field):
    with pytest.raises(irm.AssessmentInvalid) as caught:
        irm.verdict(framework, codings)
    assert caught.value.field == field


def test_clean_orders_values_and_drops_empty_codings():
    cleaned = irm.clean(irm.PRE2017, {
        "relevant_values": ["technology_innovation", "access_to_information",
                            "access_to_information"],
        "specificity": "", "completion": None})
    assert cleaned == {"relevant_values": ["access_to_information", "technology_innovation"]}
