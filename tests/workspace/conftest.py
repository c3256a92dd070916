"""Staff users by role and consultations in each phase, for the workspace tests."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from factories import ConsultationFactory, receive
from samskab.consultations import services as consultation_services
from samskab.core import roles


def make_user(role: str, username: str | None = None):
    """A user in the role's group; "superuser" has no group, "nonstaff" none either."""
    User = get_user_model()
    user = User.objects.create_user(
        username=username or f"{role}-user", password="hemmeligt-kodeord-1",
        is_superuser=role == "superuser", is_staff=role == "superuser",
    )
    if role in roles.STAFF_ROLES:
        # get_or_create: a transactional test before this one may have flushed the groups.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def user_for():
    return make_user


@pytest.fixture
def moderator(db):
    return make_user("moderator")


@pytest.fixture
def analyst(db):
    return make_user("analyst")


@pytest.fixture
def closed_consultation(db):
    """A consultation whose deadline has passed: responses may be published."""
    return ConsultationFactory(closed=True, reference_prefix="OGP-2012", slug="ogp-lukket")


@pytest.fixture
def respond():
    """Receive a response with its received_at inside the consultation's open period."""

    def respond(consultation, text="Vi foreslår åbne data.", *, kind="citizen",
                name="Åse Bæk", organisation="", email="aase@mail.example", **kwargs):
        kwargs.setdefault("channel", "email")
        kwargs.setdefault("received_at", consultation.opens_at + timedelta(hours=1))
        receipt = receive(
            consultation, text,
            respondent=consultation_services.RespondentData(
                kind=kind, name=name, organisation=organisation, email=email),
            **kwargs,
        )
        from samskab.consultations.models import Response

        return Response.objects.select_related("consultation", "respondent").get(
            pk=receipt.response_id)

    return respond


@pytest.fixture
def now():
    return timezone.now()
