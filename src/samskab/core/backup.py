"""`samskab backup FILE` and `samskab restore FILE`: everything as one file, and back.

The file is a tar archive (gzip-compressed when its name ends in .gz or .tgz; restore reads
either):

    manifest.json            format, when, Samskab version, database vendor, the applied
                             migrations, the row count of every table, and the size and sha256
                             of every file below
    database/samskab.sqlite3 SQLite: a copy made with SQLite's online backup API
    database/samskab.pgdump  PostgreSQL: `pg_dump --format=custom`
    media/...                every stored file (attachments, documents), as under MEDIA_ROOT
    var/...                  the analysers' saved state and the secret key, as under VAR_DIR

Consistent while the server writes: the database copy is one snapshot (SQLite's backup API
copies a consistent state, restarting if a writer changes a page; PostgreSQL's dump runs in a
snapshot exported from the transaction that also counts the rows, so counts and data agree).
Stored files are copied after the snapshot. Attachment files are named by their content and
written before the transaction that refers to them commits, so every file the snapshot refers to
exists by then; files of responses that commit after the snapshot may come along too, harmless.

PostgreSQL: pg_dump/pg_restore (from the Debian package postgresql-client, of the server's
major version or newer) rather than a Django-level dump, because only they copy everything
(sequences, constraints, the full-text indexes) exactly, from one snapshot, at the speed of
the server; restore fails with a clear message when they are missing.

Restore goes into an empty installation only (no consultations, responses or users, no stored
attachments), then verifies every table's row count and every file's sha256 against the
manifest, then runs the migrations (so a backup of an older version is upgraded).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

FORMAT = "samskab-backup/1"
MANIFEST = "manifest.json"
# What of VAR_DIR is state worth keeping (the database, media and static files are elsewhere).
VAR_ITEMS = ("analysis", "secret_key")
# Tables whose rows say an installation is in use: restore refuses to overwrite it.
IN_USE_TABLES = ("consultations_consultation", "consultations_response", "auth_user")


class BackupError(Exception):
    """The backup or restore cannot go on; `usage` when the caller asked for something
    impossible (exit 2), else the installation or file is at fault (exit 1)."""

    def __init__(self, message: str, *, usage: bool = False):
        super().__init__(message)
        self.usage = usage


@dataclass
class Report:
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


def _vendor() -> str:
    return connection.vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _stored_files() -> Iterator[tuple[str, Path]]:
    """(name in the archive, path) of every stored file."""
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        for path in sorted(media.rglob("*")):
            if path.is_file():
                yield f"media/{path.relative_to(media).as_posix()}", path
    var = Path(settings.VAR_DIR)
    for item in VAR_ITEMS:
        root = var / item
        if root.is_file():
            yield f"var/{item}", root
        elif root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    yield f"var/{path.relative_to(var).as_posix()}", path


def _open_archive(path: Path, mode: str, *, compressed: bool = False) -> tarfile.TarFile:
    if mode == "r":
        return tarfile.open(path, "r:*")
    if compressed:
        return tarfile.open(path, "w:gz", compresslevel=1)  # attachments are compressed
    return tarfile.open(path, "w:")


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    tables = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
            for t in tables}


def _migrations(rows: list[tuple[str, str]]) -> list[str]:
    return sorted(f"{app}.{name}" for app, name in rows)


# --------------------------------------------------------------------------- backup

def _backup_sqlite(workdir: Path) -> tuple[Path, dict[str, int], list[str]]:
    target = workdir / "samskab.sqlite3"
    connection.ensure_connection()
    source = connection.connection
    with sqlite3.connect(target) as copy:
        # The online backup API: a consistent copy while other connections write.
        source.backup(copy, pages=1024)
        counts = _sqlite_counts(copy)
        migrations = _migrations(copy.execute("SELECT app, name FROM django_migrations")
                                 .fetchall())
    copy.close()
    return target, counts, migrations


def _pg_environment() -> tuple[dict[str, str], list[str]]:
    """Environment and connection arguments for pg_dump/pg_restore from Django's settings."""
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    args += ["--dbname", str(db["NAME"])]
    return env, args


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not on PATH: install postgresql-client (the server's "
                          "major version or newer) to back up or restore PostgreSQL")
    return path


def _pg_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                   "ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
        counts[table] = cursor.fetchone()[0]
    return counts


def _backup_postgresql(workdir: Path) -> tuple[Path, dict[str, int], list[str]]:
    pg_dump = _require("pg_dump")
    target = workdir / "samskab.pgdump"
    env, args = _pg_environment()
    # A connection of its own, so the snapshot's transaction is not Django's.
    snapshot_connection = connections.create_connection("default")
    try:
        snapshot_connection.ensure_connection()
        raw = snapshot_connection.connection
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _pg_counts(cursor)
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = _migrations(cursor.fetchall())
            result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", "--file", str(target), *args],
                env=env, capture_output=True, text=True, check=False,
            )
        raw.rollback()
    finally:
        snapshot_connection.close()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
    return target, counts, migrations


def backup_write(path: Path, *, progress: Callable[[str], None] = lambda _m: None) -> Report:
    """Write the backup of this installation to `path` (module docstring)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        samskab_version = version("samskab")
    except PackageNotFoundError:
        samskab_version = "unknown"
    vendor = _vendor()
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of a {vendor} database are not supported")
    path = Path(path)
    if not path.parent.exists():
        raise BackupError(f"the folder {path.parent} does not exist", usage=True)
    report = Report()
    with tempfile.TemporaryDirectory(prefix="samskab-backup-") as tmp:
        workdir = Path(tmp)
        progress(f"copying the {vendor} database …")
        if vendor == "sqlite":
            db_file, report.tables, migrations = _backup_sqlite(workdir)
        else:
            db_file, report.tables, migrations = _backup_postgresql(workdir)
        partial = path.with_name(path.name + ".partial")
        files: dict[str, dict[str, Any]] = {}
        compressed = path.name.endswith((".gz", ".tgz"))
        with _open_archive(partial, "w", compressed=compressed) as archive:
            archive.add(db_file, arcname=f"database/{db_file.name}")
            progress("copying stored files …")
            for name, file_path in _stored_files():
                try:
                    digest = _sha256(file_path)
                    archive.add(file_path, arcname=name)
                except FileNotFoundError:
                    continue  # deleted meanwhile (an orphan swept): not referenced
                files[name] = {"sha256": digest, "size": file_path.stat().st_size}
                report.bytes += files[name]["size"]
            manifest = {
                "format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
                "samskab_version": samskab_version, "database": {
                    "vendor": vendor, "file": f"database/{db_file.name}",
                    "sha256": _sha256(db_file)},
                "migrations": migrations, "tables": report.tables, "files": files,
            }
            _add_bytes(archive, MANIFEST,
                       json.dumps(manifest, indent=1, ensure_ascii=False).encode())
        partial.replace(path)
    report.files = len(files)
    return report


# --------------------------------------------------------------------------- restore

def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise BackupError("not a Samskab backup (no manifest.json)", usage=True) from None
    manifest = json.loads(archive.extractfile(member).read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}", usage=True)
    return manifest


def _installation_in_use() -> list[str]:
    """Why this installation is not empty (nothing: it is)."""
    reasons = []
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in IN_USE_TABLES:
            if table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                if cursor.fetchone()[0]:
                    reasons.append(f"{table} has rows")
    attachments = Path(settings.MEDIA_ROOT) / "attachments"
    if attachments.exists() and any(p.is_file() for p in attachments.rglob("*")):
        reasons.append(f"{attachments} holds files")
    return reasons


def _safe_target(name: str) -> Path:
    """Where an archived file goes; refuses names that would leave MEDIA_ROOT or VAR_DIR."""
    top, _, rest = name.partition("/")
    root = Path(settings.MEDIA_ROOT if top == "media" else settings.VAR_DIR).resolve()
    target = (root / rest).resolve()
    if top not in ("media", "var") or not rest or root not in target.parents:
        raise BackupError(f"refusing the archived path {name!r}")
    return target


def _restore_sqlite(archive: tarfile.TarFile, member: tarfile.TarInfo) -> dict[str, int]:
    with tempfile.TemporaryDirectory(prefix="samskab-restore-") as tmp:
        copy = Path(tmp) / "samskab.sqlite3"
        with archive.extractfile(member) as source, copy.open("wb") as handle:
            shutil.copyfileobj(source, handle)
        connection.ensure_connection()
        with sqlite3.connect(copy) as backup:
            backup.backup(connection.connection)
        backup.close()
    connection.close()
    with connection.cursor() as cursor:
        rows = cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        return {name: cursor.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
                for (name,) in rows}


def _restore_postgresql(archive: tarfile.TarFile, member: tarfile.TarInfo) -> dict[str, int]:
    pg_restore = _require("pg_restore")
    env, args = _pg_environment()
    connection.close()
    with tempfile.TemporaryDirectory(prefix="samskab-restore-") as tmp:
        dump = Path(tmp) / "samskab.pgdump"
        with archive.extractfile(member) as source, dump.open("wb") as handle:
            shutil.copyfileobj(source, handle)
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", *args, str(dump)],
            env=env, capture_output=True, text=True, check=False,
        )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")
    with connection.cursor() as cursor:
        return _pg_counts(cursor)


def restore_read(path: Path, *, progress: Callable[[str], None] = lambda _m: None) -> Report:
    """Restore the backup at `path` into this (empty) installation and verify it."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no such file: {path}", usage=True)
    try:
        archive = _open_archive(path, "r")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"not a Samskab backup: {error}", usage=True) from None
    report = Report()
    with archive:
        manifest = _read_manifest(archive)
        vendor = manifest["database"]["vendor"]
        if vendor != _vendor():
            raise BackupError(f"this backup is of a {vendor} database; this installation "
                              f"uses {_vendor()}", usage=True)
        reasons = _installation_in_use()
        if reasons:
            raise BackupError("restore goes into an empty installation only; this one is in "
                              "use: " + "; ".join(reasons))
        member = archive.getmember(manifest["database"]["file"])
        progress(f"restoring the {vendor} database …")
        restored = (_restore_sqlite if vendor == "sqlite" else _restore_postgresql)(
            archive, member)
        report.tables = restored
        for table, expected in manifest["tables"].items():
            if restored.get(table) != expected:
                report.problems.append(
                    f"table {table}: {restored.get(table)} rows, the backup has {expected}")
        progress("restoring stored files …")
        for name, facts in manifest["files"].items():
            target = _safe_target(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                source = archive.extractfile(name)
            except KeyError:
                report.problems.append(f"{name}: missing from the archive")
                continue
            with source, target.open("wb") as handle:
                shutil.copyfileobj(source, handle)
            if name == "var/secret_key":
                target.chmod(0o600)
            if _sha256(target) != facts["sha256"]:
                report.problems.append(f"{name}: sha256 differs from the manifest")
            report.files += 1
            report.bytes += facts["size"]
    return report


def referenced_files_missing() -> list[str]:
    """Files the database refers to (every FileField of every model) that are not stored."""
    from django.apps import apps
    from django.db import models

    missing = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.FileField):
                continue
            for name in model._base_manager.exclude(**{model_field.name: ""}).values_list(
                    model_field.name, flat=True).iterator():
                if name and not model_field.storage.exists(name):
                    missing.append(f"{model._meta.label}.{model_field.name}: {name}")
    return missing
