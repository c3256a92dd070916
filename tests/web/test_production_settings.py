"""Production defaults, checked in processes of their own (settings are read at start-up)."""

import os
import subprocess
import sys

import pytest

PRODUCTION = {
    "SAMSKAB_DEBUG": "false",
    "SAMSKAB_SECRET_KEY": "k" * 20 + "Zq8#vL2@pX9!mR4$wT6&yU1*nB3^cE5%",
    "SAMSKAB_ALLOWED_HOSTS": "hoering.example.dk",
    "SAMSKAB_SITE_URL": "https://hoering.example.dk",
    "SAMSKAB_EMAIL_BACKEND": "smtp",
    "SAMSKAB_EMAIL_HOST": "smtp.example.dk",
    "SAMSKAB_EMAIL_PORT": "587",
    "SAMSKAB_EMAIL_TLS": "true",
}


def _run(args, extra, tmp_path, timeout=120):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("SAMSKAB_")
           and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(SAMSKAB_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="samskab.settings", **extra)
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def test_check_deploy_finds_no_issue_with_the_documented_variables(tmp_path):
    result = _run(["-m", "samskab.cli", "check", "--deploy", "--fail-level", "WARNING"],
                  PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_reports_a_missing_secret_key(tmp_path):
    env = {key: value for key, value in PRODUCTION.items() if key != "SAMSKAB_SECRET_KEY"}
    result = _run(["-m", "samskab.cli", "check", "--deploy"], env, tmp_path)
    assert result.returncode != 0 and "samskab.E001" in result.stderr


def test_serve_and_wsgi_refuse_to_start_without_a_secret_key(tmp_path):
    env = {key: value for key, value in PRODUCTION.items() if key != "SAMSKAB_SECRET_KEY"}
    serve = _run(["-m", "samskab.cli", "serve", "--no-collectstatic"], env, tmp_path)
    assert serve.returncode != 0 and "SAMSKAB_SECRET_KEY is not set" in serve.stderr
    wsgi = _run(["-c", "import samskab.wsgi"], env, tmp_path)
    assert wsgi.returncode != 0 and "Refusing to start" in wsgi.stderr
    demo = _run(["-c", "import samskab.wsgi"], {**env, "SAMSKAB_INSECURE_HTTP": "true"}, tmp_path)
    assert demo.returncode == 0, demo.stderr


SHOW = ("from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER is not None, s.STORAGES['staticfiles']['BACKEND'])")


@pytest.mark.parametrize(("extra", "expected"), [
    ({}, "True 31536000 True True True whitenoise.storage.CompressedManifestStaticFilesStorage"),
    ({"SAMSKAB_INSECURE_HTTP": "true"},
     "False 0 False False False whitenoise.storage.CompressedManifestStaticFilesStorage"),
    ({"SAMSKAB_SSL_REDIRECT": "false"},
     "False 31536000 True True True whitenoise.storage.CompressedManifestStaticFilesStorage"),
])
def test_https_on_by_default_unless_a_variable_turns_it_off(tmp_path, extra, expected):
    result = _run(["-c", "import django; django.setup(); " + SHOW], {**PRODUCTION, **extra},
                  tmp_path)
    assert result.stdout.strip() == expected, result.stderr


def test_log_lines_carry_time_level_and_request_id(tmp_path):
    code = ("import django, logging; django.setup()\n"
            "from django.http import HttpResponse\n"
            "from django.test import RequestFactory\n"
            "from samskab.core.middleware import RequestIdMiddleware\n"
            "def view(request):\n"
            "    logging.getLogger('samskab.test').warning('Not Found: /findes-ikke/')\n"
            "    return HttpResponse()\n"
            "answer = RequestIdMiddleware(view)(\n"
            "    RequestFactory().get('/', HTTP_X_REQUEST_ID='abc12345-proxy'))\n"
            "print(answer['X-Request-ID'])\n")
    result = _run(["-c", code], {**PRODUCTION, "SAMSKAB_INSECURE_HTTP": "true",
                                 "SAMSKAB_ALLOWED_HOSTS": "testserver"}, tmp_path)
    assert result.stdout.strip() == "abc12345-proxy", result.stderr
    line = next(line for line in result.stderr.splitlines() if "Not Found" in line)
    assert " WARNING [abc12345-proxy] samskab.test: Not Found: /findes-ikke/" in line
    assert line[:4].isdigit()  # starts with the time


@pytest.mark.slow
def test_static_files_are_hashed_and_compressed(tmp_path):
    """collectstatic with production's storage (tests themselves use plain storage)."""
    result = _run(["-m", "samskab.cli", "collectstatic", "--noinput", "-v", "0"],
                  {**PRODUCTION, "SAMSKAB_STATIC_ROOT": str(tmp_path / "static")}, tmp_path,
                  timeout=600)  # Brotli over the fonts: slow on a loaded machine
    assert result.returncode == 0, result.stderr
    files = {path.name for path in (tmp_path / "static" / "samskab").iterdir()}
    hashed = [name for name in files if name.startswith("samskab.") and name.endswith(".css")
              and name != "samskab.css"]
    assert hashed and f"{hashed[0]}.gz" in files and f"{hashed[0]}.br" in files
