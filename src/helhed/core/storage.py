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
"""

from __future__ import annotations

import io
import os
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from cryptography.fernet import InvalidToken
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage

from helhed.core.cpr import _fernet

MAGIC = b"HELHED-ENC-1\n"
CHUNK = 1024 * 1024
_LENGTH = struct.Struct(">I")


class EncryptedFileError(Exception):
    """A stored file that cannot be decrypted with the configured keys (changed or cut)."""


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)


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
