"""The public-output leak test (tests/test_public_outputs.py) over the open data of issue 14:
the same planted dataset, plus an action plan built on it whose private fields (contact
person, who registered progress) carry planted values too; the walk follows every read API
endpoint with every filter value and every page (limit=1), the bulk file's every table, and
the feeds and calendar; it fails on any planted value. The bulk file of the analysed dataset
is loaded with pandas and validated with frictionless, foreign keys included."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pandas
import pytest
from django.core.cache import cache

from samskab.insights.models import Idea, PositionKind
from samskab.plans.models import MilestoneStatus, PlanStatus
from samskab.publishing import bulk
from test_public_outputs import PHONES, _build, _planted

BASE = "/api/v1/read"
SITE = "http://127.0.0.1:8000"
FILTERS = {
    "/consultations": {"status": ["open", "closed", "upcoming"]},
    "/responses": {"kind": ["citizen", "ngo", "business", "authority_municipality"]},
    "/ideas": {"position_kind": list(PositionKind.values)},
    "/positions": {"kind": list(PositionKind.values)},
    "/plans": {"status": list(PlanStatus.values)},
    "/milestones": {"status": list(MilestoneStatus.values), "commitment": ["DK0001"]},
    "/progress": {"since": ["2012-01-01"]},
    "/commitments": {"theme": ["åbenhed"]},
}


def _plan_on(data) -> None:
    """A plan in implementation whose first commitment came from the dataset's biggest idea,
    with planted personal data in fields that must not leave (the commitment's contact, the
    officer who registered progress)."""
    from factories import (
        ActionPlanFactory,
        AssessmentFactory,
        CommitmentFactory,
        CommitmentSourceFactory,
        ForumMeetingFactory,
        OrganisationFactory,
        ProgressUpdateFactory,
        officer_of,
        plan_move_to,
    )

    plan = ActionPlanFactory(slug="laekage-plan", consultation=data.closed)
    agency = OrganisationFactory(name="Digitaliseringsstyrelsen")
    commitment = CommitmentFactory(
        plan=plan, identifier="DK0001", lead_agency=agency, contact_name="Karen Holmgaard",
        contact_phone=PHONES[2], themes=["åbenhed"],
        milestones=[("Lobbyregister i drift", date(2013, 3, 1))])
    idea = Idea.objects.filter(consultation=data.closed, merged_into=None).order_by(
        "-response_count").first()
    CommitmentSourceFactory(commitment=commitment, idea=idea)
    plan_move_to(plan, PlanStatus.IMPLEMENTATION)
    ProgressUpdateFactory(milestone=commitment.milestones.first(),
                          status=MilestoneStatus.LIMITED, reported_on=date(2012, 10, 1),
                          note="Godt i gang.", actor=officer_of(agency, "mette.skovbjerg"))
    ForumMeetingFactory(plan=plan, held_on=date(2012, 11, 1),
                        government=["Digitaliseringsstyrelsen"],
                        civil_society=["Transparency International"],
                        minutes="Status gennemgået.")
    AssessmentFactory(commitment=commitment)


def _links(node) -> list[str]:
    if isinstance(node, dict):
        return [link for value in node.values() for link in _links(value)]
    if isinstance(node, list):
        return [link for value in node for link in _links(value)]
    if isinstance(node, str) and node.startswith(f"{SITE}{BASE}/"):
        return [node.removeprefix(SITE)]
    return []


def _walk_api(client) -> dict[str, str]:
    """Every read API answer reachable from the two roots by following links and `next`,
    each list also with every filter value, one item per page."""
    seen: dict[str, str] = {}
    queue = [f"{BASE}/consultations?limit=1", f"{BASE}/plans?limit=1"]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.content[:300])
        body = answer.json()
        # Decoded, so that an escaped "\u00e5" cannot hide a planted name from the checks.
        seen[url] = answer.content.decode() + "\n" + json.dumps(body, ensure_ascii=False)
        for link in _links(body):
            path = link.split("?")[0]
            queue.append(link if "?" in link else f"{path}?limit=1")
            for suffix, filters in FILTERS.items():
                if path.endswith(suffix) and "?" not in link:
                    queue += [f"{path}?limit=1&{name}={value}"
                              for name, values in filters.items() for value in values]
        assert len(seen) < 2000, "the walk does not end"
    return seen


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_no_api_bulk_or_feed_output_contains_planted_personal_data(client, run_worker,
                                                                   tmp_path, settings,
                                                                   capsys):
    settings.SAMSKAB_API_READ_RATE = 1_000_000
    cache.clear()
    data = _build(run_worker)
    _plan_on(data)
    outputs = _walk_api(client)
    kinds = {url.split("?")[0].rsplit("/", 1)[-1] for url in outputs}
    assert {"consultations", "responses", "campaigns", "ideas", "positions", "plans",
            "commitments", "milestones", "progress", "assessments",
            "forum-meetings"} <= kinds, kinds
    # Controls: what is public is there.
    everything = "\n".join(outputs.values())
    assert "Foreningen for Åbenhed" in everything and "et åbent lobbyregister" in everything
    assert "Åse Synlig" in everything  # a consenting citizen is named
    assert "Godt i gang." in everything and '"sources": [{"idea"' in everything

    # Bulk files (every table, built again after the plan) and the feeds and calendar.
    bulk.releases_refresh()
    with data.closed.data_releases.first().file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    for name in archive.namelist():
        outputs[f"zip:{name}"] = archive.read(name).decode("utf-8", "replace")
    plan_zip = client.get("/data/planer/laekage-plan/seneste.zip")
    assert plan_zip.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(plan_zip.streaming_content))) as plan_archive:
        for name in plan_archive.namelist():
            outputs[f"plan zip:{name}"] = plan_archive.read(name).decode("utf-8", "replace")
    assert "Godt i gang." in outputs["plan zip:progress.csv"]
    for path in ("/feeds/hoeringer.atom", "/feeds/dokumenter.atom", "/kalender/frister.ics",
                 "/data/katalog.ttl", "/data/katalog.jsonld",
                 "/feeds/planer/laekage-plan/fremdrift.atom",
                 "/opfoelgning/planer/laekage-plan/dokumenter/",
                 *(f"/soeg/?q={word}" for word in ("lobbyregister", "cpr", "kampagnen"))):
        answer = client.get(path)
        assert answer.status_code == 200, path
        outputs[path] = answer.content.decode("utf-8", "replace")

    # Searching for a private name or an unpublished sentence finds nothing (the page echoes
    # the query, so these pages are checked by their result count instead).
    for word in ("Holmgaard", "Mørup", "tilbageholdte", "Kvartsfjeldets"):
        assert "0 resultater" in client.get("/soeg/", {"q": word}).content.decode(), word
    assert "0 resultater" not in outputs["/soeg/?q=lobbyregister"]

    checks = _planted()
    leaks = [f"{kind} {value!r} in {where}" for where, text in outputs.items()
             for kind, value, pattern in checks if pattern.search(text)]
    with capsys.disabled():
        print(f"\nleak test (open data): walked {len(outputs)} API answers, bulk tables and "  # noqa: T201
              f"feeds for {len(checks)} planted values")
    assert not leaks, "\n".join(leaks[:50])

    # The researcher's tools read the bulk file: pandas and frictionless (foreign keys too).
    from frictionless import Package

    archive.extractall(tmp_path)
    report = Package(str(tmp_path / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    ideas = pandas.read_csv(tmp_path / "ideas.csv")
    proposals = pandas.read_csv(tmp_path / "proposals.csv")
    responses = pandas.read_csv(tmp_path / "responses.csv")
    assert len(ideas) > 0 and len(proposals) > 0
    assert set(proposals["response"]) <= set(responses["reference"])
    assert set(proposals["idea"].dropna().astype(int)) <= set(ideas["id"])
    assert json.loads(archive.read("datapackage.json"))["x-row-counts"]["campaigns"] >= 1
