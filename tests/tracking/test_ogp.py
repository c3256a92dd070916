"""Reading OGP's commitment data file: layout, placeholders, free-text dates, bad rows."""

from datetime import date
from pathlib import Path

import pytest

from samskab.tracking import irm, ogp

FIXTURE = Path(__file__).parent.parent / "fixtures" / "ogp" / "commitments.csv"


@pytest.fixture(scope="module")
def parsed():
    return ogp.read_ogp_csv(FIXTURE.read_bytes())


def by_id(records):
    return {r.commitment_id: r for r in records}


@pytest.mark.parametrize("text,end,expected", [
    ("2012-04-01", False, date(2012, 4, 1)),
    ("2012-04", False, date(2012, 4, 1)),
    ("2012-02", True, date(2012, 2, 29)),
    ("2013", True, date(2013, 12, 31)),
    ("2013", False, date(2013, 1, 1)),
    ("September 2011", False, date(2011, 9, 1)),
    ("June 2012", True, date(2012, 6, 30)),
    ("Aug. 31st, 2021", True, date(2021, 8, 31)),
    ("1 June 2012", False, date(2012, 6, 1)),
    ("June 1, 2012", False, date(2012, 6, 1)),
    ("april 2012", False, date(2012, 4, 1)),
    ("31. december 2013", False, date(2013, 12, 31)),
    ("01/07/2016", False, date(2016, 7, 1)),
    ("07/31/2016", False, date(2016, 7, 31)),  # day-first impossible: read as US
    ("30.06.2018", False, date(2018, 6, 30)),
    ("31/12/13", False, date(2013, 12, 31)),
    ("Q3 2013", False, date(2013, 7, 1)),
    ("Q3 2013", True, date(2013, 9, 30)),
    ("2014 Q1", True, date(2014, 3, 31)),
    ("mid-2015", True, date(2015, 7, 31)),
    ("End of 2013", True, date(2013, 12, 31)),
    ("early 2014", False, date(2014, 1, 1)),
    ("ND", False, None), ("NR", True, None), ("N/A", False, None), ("", False, None),
    ("Ongoing", True, None),
])
def test_free_text_dates(text, end, expected):
    assert ogp.parse_loose_date(text, end=end) == expected


@pytest.mark.parametrize("text", ["sometime soon", "31/31/2012", "Smarch 2012", "2012-13-01"])
def test_unreadable_dates_raise(text):
    with pytest.raises(ValueError):
        ogp.parse_loose_date(text)


def test_good_rows_are_read_with_their_codings(parsed):
    records, _ = parsed
    gb = by_id(records)["GB0001"]
    assert gb.country == "United Kingdom" and gb.plan_year == 2011
    assert gb.start == date(2011, 9, 1) and gb.end == date(2012, 12, 31)
    assert gb.values == ["access_to_information", "technology_innovation"]
    assert gb.framework == irm.PRE2017
    assert gb.codings == {"specificity": "high", "potential_impact": "moderate",
                          "completion": "complete", "did_it_open_government": "major"}
    assert gb.starred is True and gb.starred_reported is True
    assert gb.title == "Open data portal for public spending"


def test_starred_is_recomputed_by_the_era_rule(parsed):
    records = by_id(parsed[0])
    # 2016 plan, moderate impact: not starred under the 2015 rule.
    assert records["EE0007"].starred is False
    # 2019 plan, transformative and complete: starred in 2017-2020.
    assert records["MX0042"].framework == irm.Y2017_2020 and records["MX0042"].starred is True
    # 2023 plan: 2021+ codings, no stars, promising.
    ke = records["KE0001"]
    assert ke.framework == irm.Y2021 and ke.starred is None and ke.promising is True
    assert ke.codings == {"verifiable": True, "potential_for_results": "substantial",
                          "completion": "substantial", "early_results": "significant"}
    # OGP marked it starred; our rule (2016, transformative, relevant, complete) agrees.
    assert records["ZA0011"].starred is True and records["ZA0011"].starred_reported is True
    # Completion falls back on the mid-term coding when the end of term is N/A.
    assert records["DK0002"].codings["completion"] == "substantial"


def test_every_bad_row_is_reported_and_reading_goes_on(parsed):
    records, problems = parsed
    assert sorted(by_id(records)) == ["DK0002", "EE0007", "GB0001", "KE0001", "MX0042",
                                      "NO0003", "PH0010", "ZA0011"]
    skipped = {(p.line, p.reason) for p in problems if p.skipped}
    assert (7, "no commitment id") in skipped
    assert any(reason.startswith("duplicate commitment id (first on line 2)")
               for _, reason in skipped)
    assert any(reason == "no commitment title" for _, reason in skipped)
    assert any("23 cells, the header has 22" in reason for _, reason in skipped)
    assert len(skipped) == 4


def test_unreadable_cells_are_warnings_and_the_row_is_kept(parsed):
    records, problems = parsed
    warnings = [str(p) for p in problems if not p.skipped]
    assert any("PH0010: warning: start date: unreadable date 'sometime soon'" in w
               for w in warnings)
    assert any("PH0010: warning: specificity: 'Very high' is not on the pre2017 scale" in w
               for w in warnings)
    assert any("DK0002: warning: civic_participation: unreadable mark 'maybe'" in w
               for w in warnings)
    ph = by_id(records)["PH0010"]
    assert ph.start is None and ph.end == date(2013, 12, 31)
    assert "specificity" not in ph.codings and "completion" not in ph.codings
    assert ph.starred is False


def test_quoted_multiline_text_and_danish_letters_survive(parsed):
    dk = by_id(parsed[0])["DK0002"]
    assert dk.title == 'Åbne data, grunddata og "gratis" adgang'
    assert "ejendomsdata" in dk.text and dk.text.count("\n") == 2
    assert dk.lead_institution == "Digitaliseringsstyrelsen"
    assert dk.starred_reported is None  # "NR"


def test_semicolon_files_and_cp1252_are_read():
    data = ("Commitment ID;Country;Commitment Title;Start Date\n"
            "SE0001;Sweden;Öppna data;maj 2014\n").encode("cp1252")
    records, problems = ogp.read_ogp_csv(data)
    assert problems == []
    assert records[0].title == "Öppna data" and records[0].start == date(2014, 5, 1)


def test_a_file_without_the_required_columns_is_refused():
    with pytest.raises(ValueError, match="missing column"):
        ogp.read_ogp_csv("Country,Title\nDenmark,x\n")
    with pytest.raises(ValueError, match="empty"):
        ogp.read_ogp_csv("")
