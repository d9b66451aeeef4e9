"""Uploaded files encrypted at rest, with the keys of the CPR column.

Every file helhed keeps (register extracts, scanned applications, signed Digital Post
declarations) can hold CPR numbers and other personal data, so none is written to disk in
clear: ``EncryptedFileSystemStorage`` (the default storage, ``STORAGES`` in settings)
encrypts on save and decrypts on open, with ``HELHED_CPR_KEYS`` through
``helhed.core.cpr`` (Fernet: AES-128-CBC with an HMAC-SHA256; the first key encrypts, every
key decrypts, so a key rotation covers the files too).

A file is ``MAGIC`` followed by chunks, each a 4-byte big-endian length and a Fernet token
of at most ``CHUNK`` bytes of the file, so that a national register extract is encrypted
and decrypted a chunk at a time and never held in memory whole. A token's HMAC covers its
chunk; a changed, cut or reordered file fails to decrypt (``EncryptedFileError``). A file
without ``MAGIC`` was written before files were encrypted: it is read as it is, and
``helhed encrypt_media`` (and every backup) encrypts it.

The register engine (DuckDB) reads a path, not a stream: ``decrypted_copy`` gives it a
clear copy in a private temporary directory that is removed when the work is done.

Working files that are read whole and often (the register engine's checked copy of an
extract, read on every target-group run) are sealed instead (``seal_file``,
``opened_sealed``): ``SEALED_MAGIC`` followed by chunks of AES-256-GCM, with a key derived
from each of ``HELHED_CPR_KEYS`` by HKDF (the first seals, every key opens). AES-GCM runs at
gigabytes a second where Fernet's base64 and CBC run at about 170 MB a second, so opening a
national extract's copy takes a fraction of a second. Each chunk's associated data is its
number and whether it is the last, so a changed, cut, reordered or extended file fails to
open (``EncryptedFileError``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.fernet import InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage

from helhed.core.cpr import _fernet

MAGIC = b"HELHED-ENC-1\n"
SEALED_MAGIC = b"HELHED-GCM-1\n"  # the same length as MAGIC
CHUNK = 1024 * 1024
_LENGTH = struct.Struct(">I")


class EncryptedFileError(Exception):
    """A stored file that cannot be decrypted with the configured keys (changed or cut)."""


def is_encrypted(head: bytes) -> bool:
    """Whether a file starting with ``head`` is encrypted (Fernet chunks or sealed)."""
    return head.startswith((MAGIC, SEALED_MAGIC))


def encrypt_stream(source: BinaryIO) -> Iterator[bytes]:
    """The encrypted form of ``source``, a chunk at a time (``MAGIC`` first)."""
    fernet = _fernet()
    yield MAGIC
    while chunk := source.read(CHUNK):
        token = fernet.encrypt(chunk)
        yield _LENGTH.pack(len(token)) + token


def decrypt_stream(source: BinaryIO) -> Iterator[bytes]:
    """The clear bytes of an encrypted ``source`` positioned after ``MAGIC``."""
    fernet = _fernet()
    while header := source.read(_LENGTH.size):
        if len(header) != _LENGTH.size:
            raise EncryptedFileError("Den krypterede fil er afkortet.")
        (length,) = _LENGTH.unpack(header)
        token = source.read(length)
        if len(token) != length:
            raise EncryptedFileError("Den krypterede fil er afkortet.")
        try:
            yield fernet.decrypt(token)
        except InvalidToken:
            raise EncryptedFileError("Filen kan ikke dekrypteres med de konfigurerede nøgler.") from None


class _EncryptingFile(File):
    """What ``FileSystemStorage._save`` streams to disk: the encrypted chunks of ``content``.
    It has no ``temporary_file_path``, so the storage never moves a clear upload into place."""

    def __init__(self, content: File):
        super().__init__(None, name=content.name)
        self._content = content

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        if hasattr(self._content, "seek"):
            self._content.seek(0)
        yield from encrypt_stream(self._content)


class _DecryptedReader(io.RawIOBase):
    """A read-only stream of the clear bytes of an encrypted file."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._chunks = decrypt_stream(raw)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


class EncryptedFileSystemStorage(FileSystemStorage):
    """``FileSystemStorage`` that writes every file encrypted (see the module docstring).
    ``open`` gives the clear bytes; ``path`` is the encrypted file on disk, so code that
    needs a clear file on disk uses ``decrypted_copy``."""

    def _save(self, name: str, content: File) -> str:
        return super()._save(name, _EncryptingFile(content))

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Krypterede filer kan kun åbnes til læsning; gem en ny fil i stedet.")
        raw = open(self.path(name), "rb")  # noqa: SIM115 (handed on to the File)
        head = raw.read(len(MAGIC))
        if head == SEALED_MAGIC:
            raw.close()
            raise EncryptedFileError("En forseglet fil åbnes med opened_sealed, ikke gennem lageret.")
        if not is_encrypted(head):
            raw.seek(0)  # written before files were encrypted: read as it is
            return File(raw, name=name)
        return File(io.BufferedReader(_DecryptedReader(raw), buffer_size=CHUNK), name=name)


def encrypt_in_place(path: Path) -> bool:
    """Encrypt a clear file where it lies (a file from before encryption). The encrypted
    copy is written beside it and moved over it, so a crash leaves one whole file. Returns
    whether the file was changed."""
    with path.open("rb") as source:
        if is_encrypted(source.read(len(MAGIC))):
            return False
        source.seek(0)
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".encrypting-")
        try:
            with os.fdopen(fd, "wb") as target:
                for part in encrypt_stream(source):
                    target.write(part)
            os.chmod(partial, path.stat().st_mode & 0o777)
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return True


@contextmanager
def decrypted_copy(field_file, *, suffix: str = "") -> Iterator[Path]:
    """A clear copy of a stored file (a ``FieldFile``) at a path, for readers that need one
    (DuckDB). The copy lives in a private temporary directory (mode 700) and is removed
    when the block ends, also on an error."""
    with tempfile.TemporaryDirectory(prefix="helhed-clear-") as tmp:
        path = Path(tmp) / f"fil{suffix or Path(field_file.name).suffix}"
        with field_file.storage.open(field_file.name, "rb") as source, path.open("wb") as target:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                target.write(chunk)
        yield path


SEALED_CHUNK = 4 * 1024 * 1024
_SEALED_HEAD = struct.Struct(">12sI")  # nonce, length of the ciphertext (with its tag)


def _sealing_keys() -> list[AESGCM]:
    """One AES-256-GCM key per configured CPR key (HKDF-SHA256 of the Fernet key)."""
    return [
        AESGCM(HKDF(algorithm=SHA256(), length=32, salt=None, info=b"helhed sealed file")
               .derive(base64.urlsafe_b64decode(key)))
        for key in settings.HELHED_CPR_KEYS
    ]


def _chunk_data(index: int, last: bool) -> bytes:
    return struct.pack(">Q?", index, last)


def seal_file(source: Path, target: Path) -> str:
    """Write ``source`` sealed to ``target`` (see the module docstring), through a partial
    file beside it, so a crash leaves no half-written file. Returns the SHA-256 of the
    sealed file, as it lies on disk."""
    key = _sealing_keys()[0]
    digest = hashlib.sha256(SEALED_MAGIC)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".sealing-")
    try:
        with source.open("rb") as clear, os.fdopen(fd, "wb") as out:
            out.write(SEALED_MAGIC)
            index, chunk = 0, clear.read(SEALED_CHUNK)
            while True:
                following = clear.read(SEALED_CHUNK)
                nonce = os.urandom(12)
                sealed = key.encrypt(nonce, chunk, _chunk_data(index, not following))
                block = _SEALED_HEAD.pack(nonce, len(sealed)) + sealed
                digest.update(block)
                out.write(block)
                if not following:
                    break
                index, chunk = index + 1, following
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return digest.hexdigest()


@contextmanager
def opened_sealed(path: Path, *, sha256: str, suffix: str = "") -> Iterator[Path]:
    """A clear copy of the sealed file ``path`` in a private temporary directory (mode 700),
    removed when the block ends. The sealed file must have the SHA-256 ``sha256`` and open
    with one of the configured keys, or ``EncryptedFileError`` is raised and nothing is
    left behind."""
    with tempfile.TemporaryDirectory(prefix="helhed-clear-") as tmp:
        clear = Path(tmp) / f"fil{suffix}"
        digest = hashlib.sha256()
        with path.open("rb") as sealed, clear.open("wb") as out:
            head = sealed.read(len(SEALED_MAGIC))
            if head != SEALED_MAGIC:
                raise EncryptedFileError("Filen er ikke en forseglet fil.")
            digest.update(head)
            keys, index, last = _sealing_keys(), 0, False
            while header := sealed.read(_SEALED_HEAD.size):
                if last:
                    raise EncryptedFileError("Den forseglede fil har data efter sidste blok.")
                if len(header) != _SEALED_HEAD.size:
                    raise EncryptedFileError("Den forseglede fil er afkortet.")
                nonce, length = _SEALED_HEAD.unpack(header)
                block = sealed.read(length)
                if len(block) != length:
                    raise EncryptedFileError("Den forseglede fil er afkortet.")
                digest.update(header)
                digest.update(block)
                for key in keys:
                    for end in (False, True):
                        try:
                            out.write(key.decrypt(nonce, block, _chunk_data(index, end)))
                        except InvalidTag:
                            continue
                        keys, last = [key], end  # the key that opened the first block opens the rest
                        break
                    else:
                        continue
                    break
                else:
                    raise EncryptedFileError("Filen kan ikke åbnes med de konfigurerede nøgler (ændret?).")
                index += 1
            if not last:
                raise EncryptedFileError("Den forseglede fil er afkortet.")
        if digest.hexdigest() != sha256:
            raise EncryptedFileError("Filen passer ikke med sin SHA-256.")
        yield clear
