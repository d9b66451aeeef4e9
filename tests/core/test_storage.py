"""Uploaded files are encrypted at rest with the CPR keys (``helhed.core.storage``)."""

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from helhed.core import storage


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_file_is_stored_encrypted_in_chunks_and_read_back_whole(settings, monkeypatch):
    monkeypatch.setattr(storage, "CHUNK", 64)
    clear = b"cpr,kommunekode\n" + b"".join(b"0101901234,751\n" for _ in range(100))
    name = default_storage.save("register/udtraek.csv", ContentFile(clear))
    on_disk = (settings.MEDIA_ROOT / name).read_bytes()
    assert on_disk.startswith(storage.MAGIC) and b"0101901234" not in on_disk and b"kommunekode" not in on_disk
    with default_storage.open(name) as handle:
        assert handle.read() == clear
    with default_storage.open(name) as handle:  # read in small pieces too
        assert b"".join(iter(lambda: handle.read(7), b"")) == clear


def test_a_cut_or_changed_file_is_refused(settings):
    name = default_storage.save("x.csv", ContentFile(b"0101901234"))
    path = settings.MEDIA_ROOT / name
    whole = path.read_bytes()
    path.write_bytes(whole[:-5])
    with pytest.raises(storage.EncryptedFileError), default_storage.open(name) as handle:
        handle.read()
    path.write_bytes(whole[:-5] + bytes(5))
    with pytest.raises(storage.EncryptedFileError), default_storage.open(name) as handle:
        handle.read()


def test_a_rotated_key_still_reads_older_files_and_new_files_use_the_new_key(settings):
    old = default_storage.save("gammel.pdf", ContentFile(b"gammel"))
    settings.HELHED_CPR_KEYS = [Fernet.generate_key().decode(), *settings.HELHED_CPR_KEYS]
    new = default_storage.save("ny.pdf", ContentFile(b"ny"))
    with default_storage.open(old) as a, default_storage.open(new) as b:
        assert (a.read(), b.read()) == (b"gammel", b"ny")
    settings.HELHED_CPR_KEYS = settings.HELHED_CPR_KEYS[:1]
    with pytest.raises(storage.EncryptedFileError), default_storage.open(old) as handle:
        handle.read()


def test_a_stored_file_cannot_be_opened_for_writing():
    name = default_storage.save("x.pdf", ContentFile(b"x"))
    with pytest.raises(ValueError, match="kun åbnes til læsning"):
        default_storage.open(name, "wb")


def test_the_clear_copy_for_duckdb_is_removed_afterwards(settings):
    from helhed.register.models import RegisterExtract

    name = default_storage.save("register/u.csv", ContentFile(b"cpr\n0101901234\n"))
    extract = RegisterExtract(file=name)
    with storage.decrypted_copy(extract.file) as path:
        assert path.read_bytes() == b"cpr\n0101901234\n"
    assert not path.exists() and not path.parent.exists()
