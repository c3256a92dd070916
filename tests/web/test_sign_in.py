"""Staff sign-in: password then a TOTP code, lockout before hashing, reset, idle expiry."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from factories import UserFactory
from samskab.core import accounts
from staff_login import current_code

pytestmark = pytest.mark.django_db
PASSWORD = "hemmeligt-kodeord-1"
HASHES = []


class CountingHasher(MD5PasswordHasher):
    """MD5 that counts how often a password is hashed (the CPU cost a guesser causes)."""

    algorithm = "md5"

    def encode(self, password, salt):
        HASHES.append(1)
        return super().encode(password, salt)


@pytest.fixture
def staff():
    user = UserFactory(roles=["moderator"])
    user.set_password(PASSWORD)
    user.email = "mona@digst.example"
    user.save()
    return user


def _password_step(client, user, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": user.username, "password": password},
                       **extra)


def test_password_alone_does_not_sign_in(staff):
    client = Client()
    accounts.totp_device_ensure(staff)
    answer = _password_step(client, staff)
    assert answer["Location"].startswith(reverse("login_code"))
    assert client.get(reverse("staff:home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_code_refused_right_code_signs_in(staff):
    client = Client()
    _password_step(client, staff)
    code = current_code(staff)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("login_code"), {"code": wrong})
    assert refused.status_code == 200 and "Koden passer ikke" in refused.content.decode()
    TOTPDevice.objects.filter(user=staff).update(throttling_failure_count=0,
                                                 throttling_failure_timestamp=None)
    answer = client.post(reverse("login_code"), {"code": current_code(staff)})
    assert answer["Location"] == reverse("staff:home")
    assert client.get(reverse("staff:home")).status_code == 200


@pytest.mark.parametrize(("role", "start"), [("moderator", "staff:home"),
                                             ("plan_editor", "plans:home"),
                                             ("agency_officer", "tracking:home")])
def test_each_role_lands_on_its_own_start_page(role, start):
    user = UserFactory(roles=[role])
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    _password_step(client, user)
    answer = client.post(reverse("login_code"), {"code": current_code(user)})
    assert answer["Location"] == reverse(start)
    assert client.get(answer["Location"]).status_code == 200


def test_a_code_is_accepted_once(staff):
    first, second = Client(), Client()
    code = current_code(staff)
    _password_step(first, staff)
    _password_step(second, staff)
    assert first.post(reverse("login_code"), {"code": code}).status_code == 302
    assert second.post(reverse("login_code"), {"code": code}).status_code == 200


def test_user_without_device_enrols_with_a_real_code(staff):
    client = Client()
    answer = _password_step(client, staff, follow=True)
    assert answer.redirect_chain[-1][0].startswith(reverse("login_enrol"))
    page = answer.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert accounts.device_secret(device) in page and "<svg" in page
    assert client.get(reverse("staff:home")).status_code == 302  # not signed in yet
    from django_otp.oath import totp

    code = f"{totp(device.bin_key):06d}"
    answer = client.post(reverse("login_enrol"), {"code": code})
    assert answer["Location"] == reverse("staff:home")
    assert TOTPDevice.objects.get(user=staff).confirmed


def test_session_without_second_factor_is_signed_out(staff):
    client = Client()  # Django's own client: force_login without a device
    client.force_login(staff)
    assert client.get(reverse("staff:home"))["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_two_step_sign_in(staff):
    answer = Client().get("/admin/login/?next=/admin/")
    assert answer["Location"] == f"{reverse('login')}?next=/admin/"


def test_lockout_after_five_failures_refuses_right_password_without_hashing(staff, settings):
    settings.PASSWORD_HASHERS = [f"{CountingHasher.__module__}.CountingHasher"]
    staff.set_password(PASSWORD)
    staff.save()
    client = Client()
    for _ in range(4):
        assert _password_step(client, staff, password="gæt").status_code == 200
    assert _password_step(client, staff, password="gæt").status_code == 429  # the fifth
    HASHES.clear()
    locked = _password_step(client, staff)  # the right password, now too late
    assert locked.status_code == 429
    assert "For mange forsøg" in locked.content.decode()
    assert HASHES == []  # refused before any hash: guessing costs no CPU
    for _ in range(20):
        assert _password_step(client, staff, password="gæt").status_code == 429
    assert HASHES == []
    # Another address is not locked out.
    other = _password_step(Client(), staff, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 302


def test_password_reset_reveals_nothing_and_mails_a_working_link(staff, run_worker, settings):
    client = Client()
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.dk"})
    known = client.post(reverse("password_reset"), {"email": staff.email})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    def page(url):
        return re.sub(r'value="[A-Za-z0-9]{64}"', "", client.get(url).content.decode())

    assert page(unknown["Location"]) == page(known["Location"])
    assert mail.outbox == []  # sent by the worker, not while the visitor waits
    from samskab.core.tasks import password_reset_send

    password_reset_send.call(user_id=staff.pk, language="da")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [staff.email]
    link = next(line for line in mail.outbox[0].body.splitlines()
                if "/login/ny-adgangskode/" in line)
    path = link.split(settings.SITE_URL.rstrip("/"), 1)[1]
    form = client.get(path, follow=True)
    answer = client.post(form.redirect_chain[-1][0], {"new_password1": "helt-nyt-kodeord-77",
                                                      "new_password2": "helt-nyt-kodeord-77"})
    assert answer["Location"] == reverse("password_reset_complete")
    staff.refresh_from_db()
    assert staff.check_password("helt-nyt-kodeord-77")
    assert "_auth_user_id" not in client.session  # a reset does not skip the code


def test_idle_session_expires(client, staff, settings):
    client.force_login(staff)
    assert client.get(reverse("staff:home")).status_code == 200
    session = client.session
    session[accounts.SEEN_SESSION_KEY] = time.time() - settings.SAMSKAB_STAFF_IDLE_MINUTES * 60 - 1
    session.save()
    answer = client.get(reverse("staff:home"))
    assert answer["Location"].startswith(reverse("login"))
    assert settings.SESSION_COOKIE_AGE == settings.SAMSKAB_STAFF_IDLE_MINUTES * 60
    assert not Session.objects.filter(session_key=session.session_key).exists()


def test_removed_device_ends_the_session(client, staff):
    client.force_login(staff)
    session = client.session
    session[accounts.SEEN_SESSION_KEY] = time.time() - 120  # due for the minute's re-check
    session.save()
    TOTPDevice.objects.filter(user=staff).delete()
    assert client.get(reverse("staff:home"))["Location"].startswith(reverse("login"))


def test_staff_pages_are_not_stored(client, staff):
    client.force_login(staff)
    for url in (reverse("staff:home"), reverse("consultations:list")):
        assert "no-store" in client.get(url)["Cache-Control"]
    assert "no-store" not in Client().get(reverse("consultations:list")).get("Cache-Control", "")


def test_signed_in_user_without_role_gets_the_403_page(client):
    nobody = get_user_model().objects.create_user("uden-rolle", password=PASSWORD)
    client.force_login(nobody)
    answer = client.get(reverse("staff:home"))
    html = answer.content.decode()
    assert answer.status_code == 403
    assert "Du har ikke adgang til siden" in html and "Log ud" in html
    assert 'href="/"' in html and reverse("accessibility") in html


def test_proxy_count_reads_the_address_the_proxy_saw(rf, settings):
    settings.SAMSKAB_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    assert accounts.client_ip(request) == "203.0.113.9"  # not the client's own claim
    settings.SAMSKAB_PROXY_COUNT = 0
    assert accounts.client_ip(request) == "10.0.0.1"
