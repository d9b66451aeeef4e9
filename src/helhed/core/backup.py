"""Backup and restore of a helhed installation: the database and the uploaded files.

A backup is one gzip'ed tar file holding ``manifest.json`` (format, engine, when, the
latest migration of every app), the database (``database.pgdump`` from ``pg_dump
--format=custom`` on PostgreSQL, ``database.sqlite3`` from SQLite's online backup API) and
``media/`` (uploaded register extracts, scanned applications, declarations; every file
encrypted, ``helhed.core.storage``). A backup is
restored only into the same engine; the restore replaces the whole database and the media.
The CPR keys (HELHED_CPR_KEYS, HELHED_CPR_INDEX_KEY) are not in the backup: keep them
separately, since without them the CPR numbers in a backup cannot be read (docs/operations.md).
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from helhed.core import storage

FORMAT = 1


class BackupError(Exception):
    """A backup that cannot be made or restored, with a message for the operator."""


def _pg_env() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["--host", s.get("HOST") or "127.0.0.1", "--port", str(s.get("PORT") or 5432),
            "--username", s["USER"], "--dbname", s["NAME"]]
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603 (fixed argv, no shell)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} fejlede: {result.stderr.strip()[:500]}")


def _manifest(now: datetime.datetime) -> dict:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return {"format": FORMAT, "engine": connection.vendor, "created_at": now.isoformat(),
            "migrations": dict(sorted(latest.items()))}


def make_backup(destination: Path, *, now: datetime.datetime) -> dict:
    """Write a backup of the database and the media files to ``destination``."""
    with tempfile.TemporaryDirectory() as tmp:
        manifest = _manifest(now)
        if connection.vendor == "postgresql":
            database = Path(tmp) / "database.pgdump"
            args, env = _pg_env()
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(database), *args], env)
        elif connection.vendor == "sqlite":
            database = Path(tmp) / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(database)
            with target:
                connection.connection.backup(target)
            target.close()
        else:
            raise BackupError(f"Databasen {connection.vendor} understøttes ikke.")
        (Path(tmp) / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(tmp) / "manifest.json", arcname="manifest.json")
            tar.add(database, arcname=database.name)
            _add_media(tar, Path(settings.MEDIA_ROOT), Path(tmp))
        partial.replace(destination)  # never leave a half-written backup under the real name
    return manifest


def _add_media(tar: tarfile.TarFile, media: Path, tmp: Path) -> None:
    """The uploaded files, every one encrypted (``helhed.core.storage``): a file still in
    clear from before encryption is encrypted into ``tmp`` on its way into the archive, so a
    backup never holds a CPR number in clear."""
    if not media.is_dir():
        return
    tar.add(media, arcname="media", recursive=False)
    for path in sorted(media.rglob("*")):
        arcname = f"media/{path.relative_to(media).as_posix()}"
        if path.is_dir() or path.is_symlink():
            tar.add(path, arcname=arcname, recursive=False)
            continue
        with path.open("rb") as handle:
            clear = not storage.is_encrypted(handle.read(len(storage.MAGIC)))
        if not clear:
            tar.add(path, arcname=arcname, recursive=False)
            continue
        copy = tmp / "encrypting"
        shutil.copyfile(path, copy)
        storage.encrypt_in_place(copy)
        info = tar.gettarinfo(path, arcname=arcname)
        info.size = copy.stat().st_size
        with copy.open("rb") as handle:
            tar.addfile(info, handle)
        copy.unlink()


def read_manifest(source: Path) -> dict:
    try:
        with tarfile.open(source, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            manifest = json.loads(member.read()) if member else None
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{source} er ikke en sikkerhedskopi fra helhed ({type(error).__name__}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source} har et ukendt format.")
    return manifest


def restore_backup(source: Path) -> dict:
    """Replace the database and the media files with those in the backup ``source``."""
    manifest = read_manifest(source)
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"Sikkerhedskopien er fra {manifest['engine']}, men databasen er {connection.vendor}."
        )
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(source, "r:gz") as tar:
        tar.extractall(tmp, filter="data")
        if connection.vendor == "postgresql":
            args, env = _pg_env()
            connection.close()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                  *args, str(Path(tmp) / "database.pgdump")], env)
        else:
            connection.ensure_connection()
            backup = sqlite3.connect(Path(tmp) / "database.sqlite3")
            backup.backup(connection.connection)
            backup.close()
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            shutil.rmtree(media)
        if (Path(tmp) / "media").is_dir():
            shutil.copytree(Path(tmp) / "media", media)
    return manifest
