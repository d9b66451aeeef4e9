"""``helhed backup`` and ``helhed restore``: what a backup holds comes back, on the engine
the suite runs on (SQLite and PostgreSQL), and bad input is refused without harm."""

import json
import tarfile

import pytest
from django.core.management import CommandError, call_command

from helhed.registry.models import Citizen
from tests.factories import make_citizen

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "intake").mkdir(parents=True)
    (settings.MEDIA_ROOT / "intake" / "ansoegning.pdf").write_bytes(b"%PDF-1.7 original")
    return settings.MEDIA_ROOT


def test_restore_brings_back_the_database_and_the_files(tmp_path, media):
    kept = make_citizen(municipality=751, first_name="Karen", last_name="Holm")
    cpr = kept.cpr
    call_command("backup", str(tmp_path / "kopi.tar.gz"))

    Citizen.objects.filter(pk=kept.pk).delete()
    later = make_citizen(municipality=101, first_name="Efter", last_name="Kopien")
    (media / "intake" / "ansoegning.pdf").write_bytes(b"changed")

    call_command("restore", str(tmp_path / "kopi.tar.gz"), "--yes")

    restored = Citizen.objects.get(pk=kept.pk)
    assert restored.cpr == cpr and restored.full_name == "Karen Holm"
    assert not Citizen.objects.filter(pk=later.pk).exists()
    assert (media / "intake" / "ansoegning.pdf").read_bytes() == b"%PDF-1.7 original"


def test_restore_asks_for_confirmation_and_changes_nothing_without_it(tmp_path, media):
    call_command("backup", str(tmp_path / "kopi.tar.gz"))
    citizen = make_citizen(municipality=751)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "kopi.tar.gz"))
    assert Citizen.objects.filter(pk=citizen.pk).exists()


def test_a_backup_never_overwrites_a_file(tmp_path, media):
    (tmp_path / "kopi.tar.gz").write_bytes(b"keep me")
    with pytest.raises(CommandError, match="findes allerede"):
        call_command("backup", str(tmp_path / "kopi.tar.gz"))
    assert (tmp_path / "kopi.tar.gz").read_bytes() == b"keep me"


def test_a_file_that_is_not_a_backup_is_refused(tmp_path, media):
    (tmp_path / "noget.tar.gz").write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="ikke en sikkerhedskopi"):
        call_command("restore", str(tmp_path / "noget.tar.gz"), "--yes")


def test_a_backup_from_the_other_engine_is_refused(tmp_path, media):
    from django.db import connection

    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"format": 1, "engine": other, "created_at": "2026-11-24T08:00:00+00:00"}))
    with tarfile.open(tmp_path / "fremmed.tar.gz", "w:gz") as tar:
        tar.add(manifest, arcname="manifest.json")
    citizen = make_citizen(municipality=751)
    with pytest.raises(CommandError, match=f"fra {other}"):
        call_command("restore", str(tmp_path / "fremmed.tar.gz"), "--yes")
    assert Citizen.objects.filter(pk=citizen.pk).exists()
