"""What every ``helhed`` command shares: one way to answer bad input, and one way to read
a small text file given on the command line.

A command that cannot use its input prints one Danish line, ``Fejl: …``, on standard
error and exits with status 2; it never shows a traceback and never writes a partial
output file (outputs go through ``helhed.register.engine.atomic_output``). Exit status 1
is left for what the user cannot fix (a bug, a database that is down). The message names
the file and the problem, never a CPR number found in it.
"""

from __future__ import annotations

import argparse
import codecs
import datetime
import os
import sys
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser, SystemCheckError

from helhed.core.numbers import DanishNumberError, parse_count

EXIT_BAD_INPUT = 2
_CHUNK = 1 << 20


class InputError(Exception):
    """Input a command cannot use (a file, an amount, a date). The message is Danish,
    names the file and the problem, and never repeats a CPR number."""


def read_text_input(path: Path | str, *, max_bytes: int, what: str = "filen") -> str:
    """The text of a small UTF-8 file (a BOM is allowed), or an ``InputError`` that says
    what is wrong: missing, a folder, unreadable, empty, larger than ``max_bytes`` (the
    caller's bound for what the file can sensibly hold), binary, or not UTF-8 (with the
    line of the first bad byte)."""
    where = f"{path}"
    try:
        size = os.stat(path).st_size
        handle = open(path, "rb")  # noqa: SIM115  (closed by the with below)
    except FileNotFoundError:
        raise InputError(f"{where}: {what} findes ikke eller kan ikke læses.") from None
    except IsADirectoryError:
        raise InputError(f"{where}: er en mappe, ikke en fil.") from None
    except OSError as error:
        raise InputError(f"{where}: {what} kan ikke læses ({error.strerror}).") from None
    with handle:
        if size == 0:
            raise InputError(f"{where}: {what} er tom.")
        if size > max_bytes:
            raise InputError(f"{where}: {what} er for stor ({_size(size)}; højst {_size(max_bytes)}).")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while it was read
        raise InputError(f"{where}: {what} er for stor (højst {_size(max_bytes)}).")
    if b"\x00" in data:
        raise InputError(f"{where}: {what} er en binær fil, ikke tekst (CSV i UTF-8).")
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        return decoder.decode(data, final=True)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(f"{where}, linje {line}: {what} er ikke UTF-8-kodet tekst "
                         "(gem den som CSV UTF-8 og prøv igen).") from None


def iso_date(text: str) -> datetime.date:
    """An argparse ``type`` for a date option (ÅÅÅÅ-MM-DD), with a Danish error."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} er ikke en dato (ÅÅÅÅ-MM-DD).") from None
def count(text: str) -> int:
    """An ``argparse`` type for a count typed the Danish way ("4.800", "4800"), by the same
    parser as the forms (``helhed.core.numbers``); "1e3", "1,5" and negatives are refused."""
    try:
        return parse_count(text)
    except DanishNumberError as error:
        raise argparse.ArgumentTypeError(f"{str(error).removesuffix('.')} (fik {text!r}).") from None


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB".replace(".", ",") if n >= 1_000_000 else f"{n:,} byte".replace(",", ".")


class Command(BaseCommand):
    """Base of helhed's commands: an ``InputError`` raised anywhere in the command, or a
    ``CommandError`` when run as ``helhed …``, becomes one ``Fejl: …`` line on standard error
    and exit status 2. Under ``call_command`` a ``CommandError`` is raised as Django does."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except InputError as error:
            if options.get("traceback"):
                raise
            self.refuse(error)
        except SystemCheckError:
            raise  # Django formats the checks' report itself
        except CommandError as error:
            if options.get("traceback") or not getattr(self, "_called_from_command_line", False):
                raise
            self.refuse(error)

    def refuse(self, error: Exception) -> None:
        self.stderr.write(f"Fejl: {error}")
        sys.exit(EXIT_BAD_INPUT)


class FileCommand(Command):
    """A command with sub-commands that works on files and may run where no database is
    set up yet: no system checks and no migration check before it starts."""

    requires_system_checks: list = []
    requires_migrations_checks = False

    @staticmethod
    def subcommands(parser: CommandParser) -> Callable[..., CommandParser]:
        """``add(name, help=…)`` for the command's sub-commands (chosen into ``subcommand``).
        Each sub-parser is Django's ``CommandParser`` told how the command was called, so a
        bad option there ends as a usage error on standard error like the command's own."""
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=type(parser),
                                    title="underkommandoer")

        def add(name: str, **kwargs) -> CommandParser:
            return sub.add_parser(name, called_from_command_line=parser.called_from_command_line, **kwargs)

        return add
