"""``helhed backup`` and ``helhed restore``: what a backup holds comes back, on the engine
the suite runs on (SQLite and PostgreSQL), and bad input is refused without harm."""

import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
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
    # The file was in clear (from before files were encrypted); it comes back encrypted.
    assert b"original" not in (media / "intake" / "ansoegning.pdf").read_bytes()
    with default_storage.open("intake/ansoegning.pdf") as handle:
        assert handle.read() == b"%PDF-1.7 original"


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


def _archive_text(path, tmp_path) -> bytes:
    """Every byte a backup holds, decompressed: each member of the tar, and the PostgreSQL
    dump (compressed inside by pg_dump) turned back into SQL by pg_restore."""
    import subprocess

    from django.db import connection

    parts = []
    with tarfile.open(path, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            data = tar.extractfile(member).read()
            if member.name == "database.pgdump":
                dump = tmp_path / "database.pgdump"
                dump.write_bytes(data)
                data = subprocess.run(["pg_restore", "--file=-", str(dump)],  # noqa: S603, S607 (fixed argv)
                                      capture_output=True, check=True).stdout
            parts.append(data)
    assert connection.vendor != "postgresql" or any(b"COPY public.registry_citizen" in p for p in parts)
    return b"\n".join(parts)


def test_a_backup_holds_no_cpr_number_in_clear(tmp_path, media, today):
    """Citizens in the database, a register extract, a scanned application and a file from
    before files were encrypted, all with known CPR numbers: none of the numbers is in the
    backup in clear, with or without the hyphen."""
    import datetime

    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from helhed.core.roles import Role
    from helhed.intake.models import Application
    from helhed.register import services as register
    from tests.factories import UserFactory

    karen = make_citizen(municipality=751, first_name="Karen", last_name="Holm")
    bo = make_citizen(municipality=101, first_name="Bo", last_name="Berg", sex="M",
                      birth_date=datetime.date(1990, 1, 2))
    officer = UserFactory(role=Role.POOL_OFFICER, organisation="Beskæftigelsesministeriet")
    extract = ("cpr,kommunekode,ydelse,start,slut\n"
               f"{karen.cpr},751,kontanthjaelp_aktivitetsparat,2010-01-01,\n"
               f"{bo.cpr[:6]}-{bo.cpr[6:]},101,kontanthjaelp_aktivitetsparat,2011-01-01,\n").encode()
    register.upload_extract(user=officer, upload=SimpleUploadedFile("udtraek.csv", extract), today=today)
    app = Application.objects.create(citizen=karen, municipality_id=751, benefit_area="boerne_ungeydelse",
                                     authority="udk", channel="paper", status="submitted", received_on=today,
                                     submitted_by="citizen", created_by=officer)
    app.attachment.save("scan.pdf", ContentFile(f"%PDF-1.7 CPR-nr. {karen.cpr}".encode()))
    (media / "intake" / "gammel.txt").write_bytes(f"{bo.cpr[:6]}-{bo.cpr[6:]} {karen.cpr}".encode())
    stored = [p.read_bytes() for p in media.rglob("*") if p.is_file() and p.name != "ansoegning.pdf"]
    assert any(karen.cpr.encode() in s for s in stored)  # the clear file is there before the backup

    call_command("backup", str(tmp_path / "kopi.tar.gz"))

    held = _archive_text(tmp_path / "kopi.tar.gz", tmp_path)
    assert b"Holm" in held  # the archive was read in clear: names are there, CPR numbers are not
    for cpr in (karen.cpr, bo.cpr):
        for shown in (cpr, f"{cpr[:6]}-{cpr[6:]}"):
            assert shown.encode() not in held, f"the backup holds a CPR number in clear ({shown[:6]}-xxxx)"


def test_encrypt_media_encrypts_files_from_before_and_leaves_the_rest(media, capsys):
    before = (media / "intake" / "ansoegning.pdf").read_bytes()
    default_storage.save("intake/ny.pdf", ContentFile(b"%PDF-1.7 ny"))
    encrypted = (media / "intake" / "ny.pdf").read_bytes()
    call_command("encrypt_media")
    assert "1 af 2 filer er krypteret nu" in capsys.readouterr().out
    assert (media / "intake" / "ansoegning.pdf").read_bytes() != before
    assert (media / "intake" / "ny.pdf").read_bytes() == encrypted
    with default_storage.open("intake/ansoegning.pdf") as handle:
        assert handle.read() == b"%PDF-1.7 original"
