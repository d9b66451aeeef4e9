"""``helhed register``: the register engine on the command line.

    helhed register check --periods FILE
    helhed register targetgroup --periods FILE --as-of YYYY-MM-DD --rule NAME [--out FILE] [--by-kommune]
    helhed register import-dream FILE --codes MAP.csv --out PERIODS
    helhed register rules

``check`` checks the file once and writes its checked copy beside it (``FILE.checked``,
sealed, with the manifest ``FILE.checked.json``; ``helhed.register.checked``). ``targetgroup``
then reads the copy instead of checking the file again, as long as the file still has the
SHA-256 the manifest records and the copy is whole; otherwise it says why on standard error
and checks the file itself. The result is the same either way.

Bad input stops the command with a message naming the file, the row and the problem (never
a CPR number), exit status 2, and no output file. Output is written to a temporary file
beside the target and renamed at the end. No database is needed.
"""

from __future__ import annotations

import datetime
import sys
import time
from contextlib import nullcontext

from django.core.management.base import CommandParser

from helhed.core.commands import FileCommand, count
from helhed.core.commands import iso_date as _date
from helhed.register.checked import (
    CheckedInput,
    StaleCopy,
    copy_path,
    read_manifest,
    write_checked_copy,
    write_manifest,
)
from helhed.register.dream import import_dream
from helhed.register.engine import (
    atomic_output,
    connect,
    file_sha256,
    run_target_group,
    write_counts,
    write_members,
)
from helhed.register.periods import inspect_source, open_periods
from helhed.register.targetgroups import RULES, get_rule


class Command(FileCommand):
    help = "Registermotoren: find målgrupper i ydelsesregistre (DuckDB, i processen, fra filer)."

    def add_arguments(self, parser: CommandParser):
        add = self.subcommands(parser)
        check = add("check", help="Kontrollér en fil én gang og gem den kontrollerede kopi ved siden af.")
        check.add_argument("--periods", required=True, metavar="FILE",
                           help="ydelsesperioder, CSV eller Parquet (cpr,kommunekode,ydelse,start,slut)")
        target = add("targetgroup", help="Find en målgruppe på en skæringsdato.")
        target.add_argument("--periods", required=True, metavar="FILE",
                            help="ydelsesperioder, CSV eller Parquet (cpr,kommunekode,ydelse,start,slut)")
        target.add_argument("--as-of", required=True, type=_date, metavar="YYYY-MM-DD", help="skæringsdatoen")
        target.add_argument("--rule", required=True, choices=sorted(RULES), help="reglen")
        target.add_argument("--out", metavar="FILE", help="CSV-fil til resultatet (ellers standard output)")
        target.add_argument("--by-kommune", action="store_true",
                            help="skriv antal pr. kommune (alle 98) i stedet for medlemmerne")
        target.add_argument("--threads", type=count, default=None, help="DuckDB-tråde (standard: alle kerner)")
        target.add_argument("--progress", action="store_true", default=None,
                            help="vis fremdrift (standard: når der skrives til en terminal)")
        target.add_argument("--no-progress", action="store_false", dest="progress")

        dream = add("import-dream", help="Lav ydelsesperioder af et DREAM-udtræk (bredt format).")
        dream.add_argument("file", metavar="FILE", help="DREAM, bredt format: cpr, kommunekode, y_ÅÅUU ...")
        dream.add_argument("--codes", required=True, metavar="MAP.csv", help="kodeoversættelse: code,ydelse")
        dream.add_argument("--out", required=True, metavar="PERIODS", help="ydelsesperioder (.csv eller .parquet)")

        add("rules", help="Vis reglerne med parametre og kilder.")

    def handle(self, *args, subcommand, **options):
        if subcommand == "targetgroup":
            self.targetgroup(**options)
        elif subcommand == "check":
            self.check(**options)
        elif subcommand == "import-dream":
            self.import_dream(**options)
        else:
            self.rules()

    def targetgroup(self, *, periods, as_of, rule, out, by_kommune, threads, progress, **options):
        chosen = get_rule(rule)
        show = sys.stderr.isatty() if progress is None else progress
        checked = self._checked_input(periods)
        with _progress_bar(show) as report:
            try:
                run = run_target_group(periods, rule=chosen, as_of=as_of, progress=report, threads=threads,
                                       checked=checked)
            except StaleCopy as error:
                self.stderr.write(style_func=_plain, msg=f"{error} Filen kontrolleres i stedet.")
                run = run_target_group(periods, rule=chosen, as_of=as_of, progress=report, threads=threads)
        write = write_counts if by_kommune else write_members
        if out:
            with atomic_output(out) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
                write(run, handle)
        else:
            write(run, self.stdout)
        self.stderr.write(style_func=_plain, msg=
            f"{rule} (version {chosen.version}) pr. {as_of.isoformat()}: {run.total:,} personer "
            f"ud af {run.periods.rows:,} perioder på {run.seconds:.1f} s"
            f"{' (kontrolleret kopi)' if run.periods.checked else ''}.".replace(",", ".")
        )

    def _checked_input(self, periods) -> CheckedInput | None:
        """The checked copy beside ``periods`` with the file's SHA-256, when there is a manifest."""
        try:
            copy = read_manifest(periods)
        except StaleCopy as error:
            self.stderr.write(style_func=_plain, msg=f"{error} Filen kontrolleres i stedet.")
            return None
        if copy is None:
            return None
        inspect_source(periods)  # a missing or unreadable file: the usual message
        return CheckedInput(path=copy_path(periods), copy=copy, source_sha256=file_sha256(periods))

    def check(self, *, periods, **options):
        started = time.perf_counter()
        source = inspect_source(periods).path
        today = datetime.date.today()
        con = connect()
        try:
            periods = open_periods(con, source, today=today)
            copy = write_checked_copy(con, periods, copy_path(source), source_sha256=file_sha256(source),
                                      today=today)
        finally:
            con.close()
        write_manifest(source, copy)
        self.stderr.write(style_func=_plain, msg=
            f"{copy.rows:,} perioder for {copy.persons:,} personer er kontrolleret; den kontrollerede kopi "
            f"er {copy_path(source)} ({time.perf_counter() - started:.1f} s).".replace(",", ".")
        )

    def import_dream(self, *, file, codes, out, **options):
        summary = import_dream(file, codes=codes, out=out)
        self.stderr.write(style_func=_plain, msg=
            f"{summary.persons:,} personer og {summary.weeks:,} uger blev til {summary.periods:,} perioder i {out}."
            .replace(",", ".")
        )

    def rules(self):
        for rule in RULES.values():
            self.stdout.write(f"{rule.name} (version {rule.version}): {rule.title}")
            for key, value in rule.parameters().items():
                self.stdout.write(f"  {key} = {value}")
            self.stdout.write(f"  kilde: {rule.source}")


def _plain(text: str) -> str:
    return text  # a summary on standard error, not an error: no red




def _progress_bar(show: bool):
    """A rich progress bar on standard error, one task per step the engine reports."""
    if not show:
        return nullcontext(None)
    from contextlib import contextmanager

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    @contextmanager
    def bar():
        tasks: dict[str, int] = {}
        with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                      console=Console(stderr=True), transient=False) as progress:
            def report(label: str, fraction: float | None):
                if label not in tasks:
                    tasks[label] = progress.add_task(label, total=100)
                if fraction is not None:
                    progress.update(tasks[label], completed=round(fraction * 100))
            yield report

    return bar()
