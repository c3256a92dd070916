import hashlib
from io import StringIO

import pytest
import rules
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from factories import ConsultationFactory
from samskab.api import services
from samskab.api.models import ApiToken
from samskab.core import roles
from samskab.core.actions import SystemActor
from samskab.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_the_secret_is_stored():
    token, secret = services.api_token_create(
        consultation=ConsultationFactory(), name="Høringsportalen", actor=SystemActor("test"),
    )
    token.refresh_from_db()
    assert secret.startswith("smk_") and len(secret) > 40
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) // 3


def test_each_token_has_its_own_secret():
    consultation = ConsultationFactory()
    secrets = {
        services.api_token_create(consultation=consultation, name=f"p{i}",
                                  actor=SystemActor("test"))[1]
        for i in range(5)
    }
    assert len(secrets) == 5


def test_creation_and_revocation_are_audited(admin_user):
    token, _secret = services.api_token_create(
        consultation=ConsultationFactory(slug="ogp-2012"), name="Portal", actor=admin_user,
    )
    services.api_token_revoke(token=token, actor=admin_user)
    services.api_token_revoke(token=token, actor=admin_user)  # twice changes nothing
    events = list(AuditEvent.objects.for_object(token).order_by("id"))
    assert [e.action for e in events] == ["api_token.create", "api_token.revoke"]
    assert events[0].actor == admin_user
    assert events[0].after["consultation"] == "ogp-2012"
    assert "smk_" not in str(events[0].after).replace(token.prefix, "")
    assert token.created_by == admin_user


def test_authenticate_knows_active_tokens_only():
    token, secret = services.api_token_create(
        consultation=ConsultationFactory(), name="Portal", actor=SystemActor("test"),
    )
    assert services.api_token_authenticate(secret=secret) == token
    assert services.api_token_authenticate(secret=secret + "x") is None
    assert services.api_token_authenticate(secret="") is None
    services.api_token_revoke(token=token, actor=SystemActor("test"))
    assert services.api_token_authenticate(secret=secret) is None


def test_token_admits_its_own_consultation_only():
    mine, other = ConsultationFactory(), ConsultationFactory()
    token, _secret = services.api_token_create(consultation=mine, name="P",
                                               actor=SystemActor("test"))
    assert rules.test_rule("api.token_may_submit", token, mine)
    assert not rules.test_rule("api.token_may_submit", token, other)
    assert not rules.test_rule("api.token_may_submit", None, mine)
    services.api_token_revoke(token=token, actor=SystemActor("test"))
    token.refresh_from_db()
    assert not rules.test_rule("api.token_may_submit", token, mine)


@pytest.mark.parametrize(("role", "allowed"), [
    (None, False),
    (roles.MODERATOR, False),
    (roles.ANALYST, False),
    (roles.PLAN_EDITOR, False),
    (roles.AGENCY_OFFICER, False),
    (roles.ADMINISTRATOR, True),
])
def test_only_administrators_manage_tokens(django_user_model, role, allowed):
    user = django_user_model.objects.create_user("medarbejder", password="x", is_staff=True)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    assert user.has_perm("api.manage_tokens") is allowed


def test_superuser_manages_tokens(admin_user):
    assert admin_user.has_perm("api.manage_tokens")


# The command line ---------------------------------------------------------------------------


def test_cli_creates_a_token_and_prints_the_secret_once():
    consultation = ConsultationFactory(slug="ogp-2012")
    out, err = StringIO(), StringIO()
    call_command("api_token", "create", "ogp-2012", "Høringsportalen", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    token = services.api_token_authenticate(secret=secret)
    assert token.consultation == consultation and token.name == "Høringsportalen"
    assert secret not in err.getvalue()
    assert AuditEvent.objects.for_object(token).get().actor_label == "system:cli"


def test_cli_lists_and_revokes():
    ConsultationFactory(slug="ogp-2012")
    out = StringIO()
    call_command("api_token", "create", "ogp-2012", "Portal", stdout=out, stderr=StringIO())
    token = ApiToken.objects.get()
    listing = StringIO()
    call_command("api_token", "list", "ogp-2012", stdout=listing)
    assert listing.getvalue().startswith(f"{token.prefix}\togp-2012\tPortal\tactive")
    call_command("api_token", "revoke", token.prefix, stdout=StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_cli_unknown_consultation_is_a_usage_error():
    with pytest.raises(CommandError) as error:
        call_command("api_token", "create", "findes-ikke", "Portal")
    assert error.value.returncode == 2


# Django admin -------------------------------------------------------------------------------


def test_admin_creates_a_token_and_shows_the_secret_once(admin_client, admin_user):
    consultation = ConsultationFactory(slug="ogp-2012")
    answer = admin_client.post(
        "/admin/api/apitoken/add/",
        {"consultation": consultation.pk, "name": "Høringsportalen", "description": "Til test"},
        follow=True,
    )
    assert answer.status_code == 200
    shown = [str(m) for m in answer.context["messages"]]
    secret = next(word for m in shown for word in m.split() if word.startswith("smk_"))
    token = services.api_token_authenticate(secret=secret)
    assert token.name == "Høringsportalen" and token.created_by == admin_user
    assert ApiToken.objects.count() == 1
    # The secret is not on the token's page afterwards.
    page = admin_client.get(f"/admin/api/apitoken/{token.pk}/change/")
    assert page.status_code == 200 and secret not in page.content.decode()


def test_admin_revokes_with_the_action(admin_client):
    token, secret = services.api_token_create(
        consultation=ConsultationFactory(), name="Portal", actor=SystemActor("test"),
    )
    answer = admin_client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]}, follow=True,
    )
    assert answer.status_code == 200
    assert services.api_token_authenticate(secret=secret) is None
    assert AuditEvent.objects.for_object(token).filter(action="api_token.revoke").exists()


def test_admin_token_pages_are_for_administrators_only(client, django_user_model):
    user = django_user_model.objects.create_user("moderator", password="x", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=roles.MODERATOR)[0])
    client.force_login(user)
    assert client.get("/admin/api/apitoken/").status_code == 403
    assert client.get("/admin/api/apitoken/add/").status_code == 403
