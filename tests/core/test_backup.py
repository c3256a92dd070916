"""`samskab backup` / `samskab restore`: a consistent online backup of the database and every
stored file, restored into an empty installation and verified, on SQLite and PostgreSQL."""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("SAMSKAB_TEST_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")

SEED = """
import sys
sys.path.insert(0, {tests!r})
import django
django.setup()
from factories import ConsultationFactory, UserFactory, receive
from samskab.consultations import services
consultation = ConsultationFactory(slug="backup-test", reference_prefix="B")
UserFactory(roles=["moderator"])
for i in range(25):
    receive(consultation, text=f"Svar nummer {{i}} om åbne data",
            attachments=[services.IncomingFile(f"bilag-{{i}}.txt", f"Bilag {{i}} æøå".encode())])
"""

WRITER = """
import sys, time
sys.path.insert(0, {tests!r})
from pathlib import Path
import django
django.setup()
from factories import receive
from samskab.consultations import services
from samskab.consultations.models import Consultation
consultation = Consultation.objects.get(slug="backup-test")
stop = Path({stop!r})
n = 0
while not stop.exists():
    receive(consultation, text=f"Skrevet under backup {{n}}",
            attachments=[services.IncomingFile(f"w{{n}}.txt", f"skrevet {{n}}".encode())])
    n += 1
    print(n, flush=True)
"""

CHECK = """
import hashlib, json
import django
django.setup()
from django.core.files.storage import default_storage
from samskab.consultations.models import Attachment, Consultation, Response
consultation = Consultation.objects.get(slug="backup-test")
numbers = sorted(int(r.rsplit("-", 1)[1]) for r in
                 Response.objects.values_list("reference", flat=True))
bad_files = [a.file.name for a in Attachment.objects.all()
             if not default_storage.exists(a.file.name)
             or hashlib.sha256(default_storage.open(a.file.name).read()).hexdigest() != a.sha256]
print(json.dumps({{"responses": len(numbers), "numbers_contiguous": numbers == list(
    range(1, len(numbers) + 1)), "counter": consultation.last_reference_number,
    "attachments": Attachment.objects.count(), "bad_files": bad_files}}))
"""


def _pg_available() -> bool:
    if not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")):
        return False
    probe = subprocess.run(["psql", PG_SERVER + "/postgres", "-Atc", "select 1"],
                           capture_output=True, text=True, check=False)
    return probe.returncode == 0


class Installation:
    def __init__(self, root: Path, database_url: str):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "SAMSKAB_VAR_DIR": str(root),
                    "DJANGO_SETTINGS_MODULE": "samskab.settings",
                    "DATABASE_URL": database_url}

    def samskab(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "samskab.cli", *args], env=self.env,
                              cwd=ROOT, capture_output=True, text=True, timeout=300,
                              check=False)

    def python(self, code: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", code], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=300, check=False)

    def popen(self, code: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", code], env=self.env, cwd=ROOT,  # noqa: S603
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture(params=[
    pytest.param("sqlite", marks=pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite run")),
    # In the PostgreSQL run (marked django_db so that `-m "not nodb"` selects it).
    pytest.param("postgresql", marks=[pytest.mark.django_db, pytest.mark.skipif(
        not ON_POSTGRESQL, reason="the PostgreSQL run")]),
])
def installations(request, tmp_path):
    if request.param == "sqlite":
        yield (Installation(tmp_path / "source", f"sqlite:///{tmp_path}/source/db.sqlite3"),
               Installation(tmp_path / "target", f"sqlite:///{tmp_path}/target/db.sqlite3"))
        return
    if not _pg_available():
        pytest.skip("no PostgreSQL server or client tools")
    names = [f"samskab_backup_{side}_{uuid.uuid4().hex[:8]}" for side in ("src", "dst")]
    for name in names:
        subprocess.run(["psql", PG_SERVER + "/postgres", "-qc", f'CREATE DATABASE "{name}"'],
                       check=True, capture_output=True)
    try:
        yield (Installation(tmp_path / "source", f"{PG_SERVER}/{names[0]}"),
               Installation(tmp_path / "target", f"{PG_SERVER}/{names[1]}"))
    finally:
        for name in names:
            subprocess.run(["psql", PG_SERVER + "/postgres", "-qc",
                            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
                           check=False, capture_output=True)


@pytest.mark.slow
def test_online_backup_restores_into_an_empty_installation_verified(installations, tmp_path):
    source, target = installations
    tests = str(ROOT / "tests")
    assert source.samskab("migrate", "--verbosity", "0").returncode == 0
    seeded = source.python(SEED.format(tests=tests))
    assert seeded.returncode == 0, seeded.stderr[-2000:]

    stop = tmp_path / "stop"
    writer = source.popen(WRITER.format(tests=tests, stop=str(stop)))
    try:
        assert writer.stdout.readline().strip() == "1"  # the server is writing
        backup = tmp_path / "samskab-backup.tar.gz"
        made = source.samskab("backup", str(backup))
    finally:
        stop.touch()
        written, errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, errors[-2000:]
    assert made.returncode == 0, made.stderr[-2000:]
    during = len(written.split()) + 1
    assert during >= 2, "responses were written while the backup ran"

    with tarfile.open(backup) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        names = set(archive.getnames())
    assert set(manifest["files"]) <= names and "var/secret_key" in manifest["files"]
    assert manifest["tables"]["consultations_response"] >= 26

    # An installation in use is refused and left alone.
    in_use = source.samskab("restore", str(backup))
    assert in_use.returncode == 1 and "empty installation only" in in_use.stderr

    restored = target.samskab("restore", str(backup))
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert "verified:" in restored.stderr and restored.stdout.strip().endswith("restored")
    state = json.loads(target.python(CHECK.format()).stdout)
    # One snapshot: the responses, their numbering counter and their files agree.
    assert state["responses"] == manifest["tables"]["consultations_response"]
    assert state["numbers_contiguous"] and state["counter"] == state["responses"]
    assert state["attachments"] == state["responses"] and state["bad_files"] == []
    assert (target.root / "secret_key").read_bytes() == (source.root / "secret_key").read_bytes()

    if "sqlite" in source.env["DATABASE_URL"]:
        # A file changed in the archive fails the verification; FILE missing is a usage error.
        tampered = tmp_path / "tampered.tar"
        with tarfile.open(backup) as original, tarfile.open(tampered, "w") as copy:
            for member in original.getmembers():
                data = original.extractfile(member).read()
                if member.name.startswith("media/attachments/"):
                    data = b"another file"
                member.size = len(data)
                copy.addfile(member, io.BytesIO(data))
        third = Installation(tmp_path / "third", f"sqlite:///{tmp_path}/third/db.sqlite3")
        answer = third.samskab("restore", str(tampered))
        assert answer.returncode == 1
        assert "sha256 differs from the manifest" in answer.stderr
        assert third.samskab("backup").returncode == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("command", "args", "message"), [
    ("restore", ["{tmp}/missing.tar"], "no such file"),
    ("restore", ["{tmp}/not-a-backup.tar"], "not a Samskab backup"),
    ("backup", ["{tmp}/exists.tar"], "exists; use --force"),
    ("backup", ["{tmp}/no/such/folder/b.tar"], "does not exist"),
])
def test_usage_errors_exit_2(tmp_path, command, args, message):
    from django.core.management import CommandError, call_command

    (tmp_path / "exists.tar").write_bytes(b"")
    (tmp_path / "not-a-backup.tar").write_bytes(b"plain text, no archive")
    with pytest.raises(CommandError) as refused:
        call_command(command, *[a.format(tmp=tmp_path) for a in args])
    assert refused.value.returncode == 2
    assert message in str(refused.value)


def test_an_unknown_command_is_a_usage_error(capsys):
    from samskab.cli import main

    assert main(["bakcup", "x.tar"]) == 2
    assert "unknown command 'bakcup'" in capsys.readouterr().err
