"""Every URL the resolver knows, walked as every role (design.md: "every view declares the roles
it admits, and a test walks every URL as every role").

What each URL admits is read from the view's own declaration:
- `staff_permission` (core.views.staff_view): anonymous visitors go to the login page, a
  signed-in user holding the permission (django-rules, the apps' rules.py) is let in, everyone
  else gets 403. `SPECIFICATION` below states, per permission, which roles hold it, so a
  change in a rules.py that widens or narrows a role is caught here.
- `api_rule` (the API): no session role helps; without a token every role gets 401.
- no declaration: a public page; every role gets it.

URLs are discovered from the resolver, so a new app's pages are walked without touching this
file. A URL whose arguments cannot be made from the shared example data (`ARGUMENTS`) fails
`test_every_url_is_walked`: add how to make them. The Django admin is walked at its index
(superusers only; Django's own permission system guards the rest).
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from factories import ConsultationFactory, receive
from samskab.consultations import receipts
from samskab.consultations import services as consultation_services
from samskab.consultations.models import Response
from samskab.core.actions import SystemActor
from samskab.workspace.models import InvitedPartyMatch, Redaction

ROLES = ("anonymous", "public", "moderator", "analyst", "plan_editor", "agency_officer",
         "administrator", "superuser")
READ = {"moderator", "analyst", "administrator", "superuser"}
MODERATE = {"moderator", "administrator", "superuser"}
IDEAS = {"moderator", "analyst", "plan_editor", "administrator", "superuser"}
CHANGE_ANALYSIS = {"analyst", "administrator", "superuser"}

# permission → roles holding it (the specification the role matrices of each app used to be)
SPECIFICATION = {
    "workspace.view_workspace": READ,
    "workspace.download_attachment": READ,
    "workspace.view_respondent_private": MODERATE,
    "workspace.moderate_response": MODERATE,
    "workspace.register_letter": MODERATE,
    "workspace.manage_invited_parties": MODERATE,
    "insights.view_ideas": IDEAS,
    "insights.view_analysis": READ,
    "insights.change_analysis": CHANGE_ANALYSIS,
    "publishing.view_notat": READ,
    "publishing.change_notat": {"analyst", "administrator", "superuser"},
    "api.manage_tokens": {"administrator", "superuser"},
    "consultations.retry_raw_submission": MODERATE,
    "core.view_audit": {"administrator", "superuser"},
    "core.view_organisation": READ | {"plan_editor", "agency_officer"},
    "core.add_organisation": {"administrator", "superuser"},
    "core.change_organisation": {"administrator", "superuser"},
    "plans.view_actionplan": {"plan_editor", "analyst", "agency_officer", "administrator",
                              "superuser"},
    "plans.change_actionplan": {"plan_editor", "administrator", "superuser"},
    "plans.change_commitment": {"plan_editor", "administrator", "superuser"},
    "plans.adopt_actionplan": {"plan_editor", "administrator", "superuser"},
}

# Django's and the admin's own URLs: (name → why it is not walked like ours)
NOT_OURS = {"set_language": "Django's language switch (POST, public)",
            "login": "Django's login page (public)", "logout": "Django's logout (POST)"}


def _patterns(patterns=None, namespace=None):
    """(qualified name, pattern, callback) of every named URL, the admin's left out."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            yield from _patterns(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p, p.callback


def _arguments(pattern: URLPattern) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))


# How to make each URL's arguments from the example data (`world`): by argument name for
# arguments that name one thing everywhere, by URL for the `pk`s.
BY_ARGUMENT = {"slug": "slug", "reference": "reference", "token": "receipt_token",
               "fmt": "notat_format"}
PK_BY_URL = {
    "insights:group": "group", "insights:group_merge": "group", "insights:group_members": "group",
    "insights:set_aside_move_back": "segment",
    "insights:group_split": "membership", "insights:group_confirm": "membership",
    "insights:tag_decide": "tag",
    "insights:idea": "idea", "insights:idea_rename": "idea", "insights:idea_merge": "idea",
    "insights:idea_split": "idea", "insights:position_set": "idea",
    "insights:proposal_move": "proposal", "insights:proposal_position": "proposal",
    "staff:invited_party_edit": "party", "staff:invited_party_remove": "party",
    "staff:match_confirm": "match", "staff:match_reject": "match",
    "staff:redaction_accept": "redaction", "staff:redaction_reject": "redaction",
    "staff:attachment": "attachment",
    **{f"plans:{n}": "plan" for n in ("plan", "plan_edit", "export", "commitment_new",
                                       "commitment_check", "versions", "publish", "adopt",
                                       "advance")},
    **{f"plans:{n}": "commitment" for n in ("commitment", "commitment_delete", "milestones",
                                             "sources")},
    "plans:milestone": "milestone", "plans:milestone_delete": "milestone",
    "plans:source_unlink": "source",
    "tracking:commitment": "commitment", "tracking:assessment": "commitment",
    "tracking:progress_add": "milestone", "tracking_public:commitment": "commitment",
}
# Arguments that mean something else on one URL (a literal example, or a key of `world`).
# A public page answers an unknown token or release with 404, which the walk counts as let in:
# it asks who may open the page, not whether the object exists.
BY_URL = {
    ("opendata:subscription_confirm", "token"): ("literal", "unknown-token"),
    ("opendata:subscription_cancel", "token"): ("literal", "unknown-token"),
    ("opendata:release_dated", "release_id"): ("literal", 1),
    ("opendata:plan_release_dated", "release_id"): ("literal", 1),
    **{(f"opendata:{n}", "slug"): ("world", "plan_slug")
       for n in ("plan_release_latest", "plan_release_dated", "feed_plan_progress")},
    ("published:notat_file", "version"): ("literal", 1),
    ("password_reset_confirm", "uidb64"): ("literal", "MQ"),
    ("password_reset_confirm", "token"): ("literal", "ugyldig-noegle"),
    ("staff:bulk_publish_status", "task_id"): ("literal", "00000000-0000-0000-0000-000000000000"),
    ("plans_public:plan", "slug"): ("world", "plan_slug"),
    ("plans_public:download", "slug"): ("world", "plan_slug"),
    ("plans_public:download", "fmt"): ("literal", "odt"),
    ("plans_public:commitment", "slug"): ("world", "plan_slug"),
    ("plans_public:commitment", "identifier"): ("world", "commitment_identifier"),
    **{(f"tracking:{n}", "slug"): ("world", "plan_slug")
       for n in ("plan", "plan_csv", "forum_add", "self_assessment_add")},
    **{(f"tracking_public:{n}", "slug"): ("world", "plan_slug") for n in ("plan", "plan_csv")},
    **{(f"{ns}:{n}", "chart"): ("literal", "ukendt")
       for ns in ("tracking", "tracking_public") for n in ("plan_csv", "consultation_csv")},
    ("tracking_public:self_assessment", "pk"): ("literal", 1),
    ("tracking_public:self_assessment", "fmt"): ("literal", "pdf"),
    ("tracking_public:evidence", "pk"): ("literal", 1),
    ("tracking_public:evidence", "sha256"): ("literal", "0" * 64),
}
ARGUMENTS = (BY_ARGUMENT, PK_BY_URL, BY_URL)
# Views that admit on their declared permission and then check a stricter one inside, on the
# object (an agency officer updates only the commitments of their own agency): URL → (inner
# permission, key of the object in `world`, or None for a permission without object).
OBJECT_LEVEL = {
    "tracking:assessment": ("tracking.assess", None),
    "tracking:forum_add": ("tracking.record_forum", None),
    "tracking:self_assessment_add": ("tracking.self_assess", None),
    "tracking:progress_add": ("tracking.update_progress", "commitment_object"),
}
# The second step of signing in (the code, or setting up the authenticator app): reached only
# from the first step; without a pending sign-in every visitor is sent back to the login page.
SIGN_IN_STEPS = {"login_code", "login_enrol"}
POST_DATA = {"staff:withhold": {"reason": "Grund"}, "staff:reject": {"reason": "Grund"},
             "staff:redaction_add": {"phrase": "data", "reason": ""}}


def _kwargs(name: str, pattern: URLPattern, world: dict) -> dict:
    kwargs = {}
    for argument in _arguments(pattern):
        if (name, argument) in BY_URL:
            kind, value = BY_URL[name, argument]
            kwargs[argument] = value if kind == "literal" else world[value]
            continue
        key = PK_BY_URL.get(name) if argument == "pk" else BY_ARGUMENT.get(argument)
        if key is None:
            raise LookupError(f"{name}: no example for <{argument}>; add it to ARGUMENTS")
        kwargs[argument] = world[key]
    return kwargs


def _declaration(callback) -> tuple[str, str | None]:
    if getattr(callback, "staff_permission", None):
        return "staff", callback.staff_permission
    if getattr(callback, "api_rule", None):
        return "token", callback.api_rule
    return "public", None


URLS = sorted(name for name, _p, _c in _patterns() if name not in NOT_OURS)


@pytest.fixture
def people(django_user_model):
    from django.contrib.auth.models import Group

    users = {"anonymous": None}
    for role in ROLES[1:]:
        user = django_user_model.objects.create_user(
            username=f"walk-{role}", password="walk-pw-123456",
            is_superuser=role == "superuser", is_staff=role == "superuser")
        if role not in ("public", "superuser"):
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        users[role] = user
    return users


@pytest.fixture
def world(people, settings, tmp_path):
    """One closed consultation with everything a URL may point at: responses (a campaign and
    single answers), an analysis run, a party with a proposed match, a redaction."""
    from insights.conftest import CAMPAIGN, SINGLES  # the analysis tests' Danish examples
    from samskab.insights import services as insights_services
    from samskab.insights.models import (
        GroupMembership,
        Idea,
        Proposal,
        ResponseGroup,
        TagSuggestion,
    )
    from samskab.workspace import services

    settings.VAR_DIR = tmp_path / "var"
    consultation = ConsultationFactory(closed=True)
    sent_during = consultation.opens_at
    for i in range(4):
        receive(consultation, text=f"Hej {i}.\n{CAMPAIGN}", received_at=sent_during)
    first = receive(
        consultation, text=SINGLES[0] + " Skriv til a@b.dk.", received_at=sent_during,
        respondent=consultation_services.RespondentData(kind="ngo", organisation="KL",
                                                        email="x@kl.dk"),
        attachments=[consultation_services.IncomingFile("bilag.txt", b"tekst", "text/plain")])
    for text in SINGLES[1:]:
        receive(consultation, text=text, received_at=sent_during)
    insights_services.consultation_analyse(consultation=consultation)
    system = SystemActor("test")
    response = Response.objects.get(pk=first.response_id)
    admin = people["administrator"]
    party = services.invited_party_add(actor=admin, consultation=consultation, name="KL",
                                       email_domain="kl.dk")
    services.invited_party_match_propose(actor=admin, consultation=consultation)
    services.redaction_propose(actor=admin, response=response)
    idea = Idea.objects.filter(consultation=consultation).order_by("-proposal_count").first()
    plan_objects = _plan_objects(idea)
    return {
        **plan_objects,
        "consultation": consultation, "slug": consultation.slug,
        "reference": response.reference, "receipt_token": receipts.receipt_token(
            response.reference), "notat_format": "html",
        "attachment": response.attachments.get().pk, "party": party.pk,
        "match": InvitedPartyMatch.objects.get(party=party).pk,
        "redaction": Redaction.objects.filter(response=response).first().pk,
        "group": ResponseGroup.objects.filter(consultation=consultation).first().pk,
        "segment": _set_aside_segment(response),
        "membership": GroupMembership.objects.order_by("pk").first().pk,
        "tag": TagSuggestion.objects.order_by("pk").first().pk,
        "idea": idea.pk,
        "proposal": Proposal.objects.filter(idea=idea).order_by("pk").first().pk,
        "system": system,
    }


def _set_aside_segment(response) -> int:
    """A set-aside segment's id: the analysis's first, else the greeting of `response` set
    aside as the engine stores it, so the walk always reaches a real segment."""
    from factories import SetAsideSegmentFactory
    from samskab.insights.models import SetAsideSegment

    found = SetAsideSegment.objects.order_by("pk").first()
    return (found or SetAsideSegmentFactory(response=response)).pk


def _plan_objects(idea) -> dict:
    """A draft action plan whose commitment answers `idea`, with a milestone (the plans app's
    URLs point at these); none when the plans app is not there yet."""
    try:
        from factories import link_to_commitment
        from samskab.plans import services as plans
    except ImportError:
        return {}
    from datetime import date

    source = link_to_commitment(idea=idea)
    commitment = source.commitment
    milestone = plans.milestone_save(
        actor=SystemActor("test"), commitment=commitment,
        values={"title_da": "Data offentliggøres", "deliverable_da": "Et datasæt",
                "start": date(2012, 4, 1), "end": date(2012, 10, 1)})
    return {"plan": commitment.plan_id, "plan_slug": commitment.plan.slug,
            "commitment_object": commitment,
            "commitment": commitment.pk, "commitment_identifier": commitment.identifier,
            "milestone": milestone.pk, "source": source.pk}


def _outcome(client, url: str, data: dict) -> tuple[str, int]:
    """("in" | "login" | "denied" | "unauthorised", status) for one request: GET, or POST for
    a view that answers GET with 405."""
    page = client.get(url)
    if page.status_code == 405:
        page = client.post(url, data)
    status = page.status_code
    if status == 302 and page["Location"].startswith(reverse("login")):
        return "login", status
    if status == 403:
        return "denied", status
    if status == 401:
        return "unauthorised", status
    assert status < 500, (url, status)
    return "in", status


def test_every_url_is_walked():
    """Every URL the resolver knows has a declaration the walk understands and arguments it can
    make, and every staff permission in use is in the specification or comes from rules."""
    import rules

    for name, pattern, callback in _patterns():
        if name in NOT_OURS:
            continue
        for argument in _arguments(pattern):
            known = (BY_URL.get((name, argument))
                     or (PK_BY_URL.get(name) if argument == "pk" else BY_ARGUMENT.get(argument)))
            assert known, f"{name}: no example for <{argument}>; add it to ARGUMENTS"
        kind, permission = _declaration(callback)
        if kind == "staff":
            assert rules.perm_exists(permission), f"{name}: {permission} is not a rule"
    assert len(URLS) >= 45  # the walk found the apps (a broken resolver walk finds none)


def test_the_specification_is_what_the_rules_say(people):
    for permission, holders in SPECIFICATION.items():
        held = {role for role, user in people.items() if user and user.has_perm(permission)}
        assert held == holders, permission


@pytest.mark.parametrize("name", URLS)
def test_url_as_every_role(client, people, world, name):
    pattern, callback = next((p, c) for n, p, c in _patterns() if n == name)
    kind, permission = _declaration(callback)
    url = reverse(name, kwargs=_kwargs(name, pattern, world))
    outcome, expected = {}, {}
    for role in ROLES:
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        outcome[role] = _outcome(client, url, POST_DATA.get(name, {}))[0]
        if name in SIGN_IN_STEPS:
            expected[role] = "login"
        elif kind == "public":
            expected[role] = "in"
        elif kind == "token":
            expected[role] = "unauthorised"
        elif role == "anonymous":
            expected[role] = "login"
        else:
            holds = people[role].has_perm(permission)
            if permission in SPECIFICATION:
                assert holds == (role in SPECIFICATION[permission]), (permission, role)
            if holds and name in OBJECT_LEVEL:
                inner, key = OBJECT_LEVEL[name]
                holds = people[role].has_perm(inner, world[key] if key else None)
            expected[role] = "in" if holds else "denied"
    assert outcome == expected


def test_admin_is_for_superusers_only(client, people):
    for role in ROLES:
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        page = client.get(reverse("admin:index"))
        assert (page.status_code == 200) == (role == "superuser"), role


# --- object-level cases ---------------------------------------------------------------------

def test_staff_are_refused_before_an_object_is_looked_up(client, people):
    """A role without the permission learns nothing about which objects exist."""
    client.force_login(people["plan_editor"])
    for name in ("staff:response", "staff:attachment", "staff:invited_party_edit"):
        arg = "H0-404" if name == "staff:response" else 999999
        assert client.get(reverse(name, args=[arg])).status_code == 403
    client.force_login(people["moderator"])
    assert client.get(reverse("staff:response", args=["H0-404"])).status_code == 404


def test_a_token_admits_its_own_consultation_only(client, world):
    from samskab.api import services as api_services

    other = ConsultationFactory()
    _token, secret = api_services.api_token_create(consultation=other, name="Portal",
                                                   actor=world["system"])
    before = Response.objects.count()
    page = client.post(reverse("api:responses", args=[world["slug"]]),
                       {"text": "Et svar."}, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert page.status_code == 403
    assert Response.objects.count() == before


def test_public_pages_of_an_unpublished_consultation_are_not_found(client, people):
    from datetime import timedelta

    from django.utils import timezone

    soon = timezone.now() + timedelta(days=30)
    hidden = ConsultationFactory(published_at=soon, opens_at=soon + timedelta(days=1),
                                 closes_at=soon + timedelta(days=20))
    for role in ("anonymous", "public"):
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        for name in ("consultations:detail", "published:responses"):
            assert client.get(reverse(name, args=[hidden.slug])).status_code == 404, name
