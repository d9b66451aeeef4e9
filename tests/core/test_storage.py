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


# -- sealed working files (the register engine's checked copies) ---------------------------

CLEAR = b"cpr,kommunekode\n" + b"".join(b"0101901234,751\n" for _ in range(100))


@pytest.fixture
def sealed(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "SEALED_CHUNK", 64)
    (tmp_path / "clear").write_bytes(CLEAR)
    sha256 = storage.seal_file(tmp_path / "clear", tmp_path / "sealed")
    return tmp_path / "sealed", sha256


def _blocks(data: bytes) -> list[bytes]:
    blocks, at = [], len(storage.SEALED_MAGIC)
    while at < len(data):
        length = int.from_bytes(data[at + 12:at + 16], "big")
        blocks.append(data[at:at + 16 + length])
        at += 16 + length
    return blocks


def test_a_sealed_file_opens_whole_and_its_clear_copy_is_removed(sealed):
    path, sha256 = sealed
    data = path.read_bytes()
    assert data.startswith(storage.SEALED_MAGIC) and b"0101901234" not in data and len(_blocks(data)) > 20
    with storage.opened_sealed(path, sha256=sha256) as clear:
        assert clear.read_bytes() == CLEAR
    assert not clear.exists() and not clear.parent.exists()


@pytest.mark.parametrize("change", ["reorder", "drop_last", "repeat_last", "cut", "flip"])
def test_a_changed_sealed_file_is_refused_even_with_a_matching_sha256(sealed, change):
    path, _ = sealed
    data = path.read_bytes()
    blocks = _blocks(data)
    changed = {
        "reorder": [blocks[1], blocks[0], *blocks[2:]],
        "drop_last": blocks[:-1],
        "repeat_last": [*blocks, blocks[-1]],
        "cut": [*blocks[:-1], blocks[-1][:-3]],
        "flip": [*blocks[:3], blocks[3][:20] + bytes([blocks[3][20] ^ 1]) + blocks[3][21:], *blocks[4:]],
    }[change]
    content = storage.SEALED_MAGIC + b"".join(changed)
    path.write_bytes(content)
    import hashlib

    with pytest.raises(storage.EncryptedFileError), \
            storage.opened_sealed(path, sha256=hashlib.sha256(content).hexdigest()):
        pass


def test_a_sealed_file_with_another_sha256_is_refused(sealed):
    path, _ = sealed
    with pytest.raises(storage.EncryptedFileError, match="SHA-256"), storage.opened_sealed(path, sha256="0" * 64):
        pass


def test_a_rotated_key_still_opens_sealed_files_and_a_foreign_key_does_not(sealed, settings):
    path, sha256 = sealed
    settings.HELHED_CPR_KEYS = [Fernet.generate_key().decode(), *settings.HELHED_CPR_KEYS]
    with storage.opened_sealed(path, sha256=sha256) as clear:
        assert clear.read_bytes() == CLEAR
    settings.HELHED_CPR_KEYS = settings.HELHED_CPR_KEYS[:1]
    with pytest.raises(storage.EncryptedFileError, match="nøgler"), storage.opened_sealed(path, sha256=sha256):
        pass


def test_sealed_files_are_left_alone_by_encrypt_media_and_not_opened_through_the_storage(settings):
    target = settings.MEDIA_ROOT / "register" / "x.csv.checked"
    target.parent.mkdir(parents=True)
    (settings.MEDIA_ROOT / "clear").write_bytes(CLEAR)
    storage.seal_file(settings.MEDIA_ROOT / "clear", target)
    before = target.read_bytes()
    assert storage.encrypt_in_place(target) is False and target.read_bytes() == before
    with pytest.raises(storage.EncryptedFileError, match="opened_sealed"):
        default_storage.open("register/x.csv.checked")
