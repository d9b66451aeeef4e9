"""``helhed pool``: grant pools on the command line.

    helhed pool allocate --total AMOUNT --counts FILE [--unit U] [--out FILE]
    helhed pool evaluate [--pool UUID] [--today YYYY-MM-DD]   (not after today)
    helhed pool monthly-reports [--pool UUID] [--today YYYY-MM-DD]
    helhed pool export --pool UUID --out FILE [--format csv|parquet] [--summary FILE] [--points FILE]
    helhed pool evaluation-extract --pool UUID --extract UUID --data-as-of YYYY-MM-DD

``allocate`` needs no database: it splits AMOUNT over the municipalities in FILE
(``kommunekode,count``) by the largest-remainder method (``helhed.pools.allocation``) and
writes ``kommunekode,count,amount``. Bad input stops it with a message on standard error,
exit status 2 and no output file. ``evaluate`` and ``monthly-reports`` are meant for the
scheduler (``helhed worker``, or cron) and are safe to run again at any time.
"""

from __future__ import annotations

from django.core.management.base import CommandParser

from helhed.core.commands import FileCommand
from helhed.core.commands import iso_date as _date
from helhed.pools.allocation import AllocationError, allocate, parse_amount, read_counts, write_allocation
from helhed.register.engine import atomic_output


class Command(FileCommand):
    help = "Puljer: fordeling, evaluering af rater, månedsrapporter og evalueringsudtræk."

    def add_arguments(self, parser: CommandParser):
        add = self.subcommands(parser)
        a = add("allocate", help="Fordel et beløb efter antal pr. kommune (største restmetode).")
        a.add_argument("--total", required=True, metavar="AMOUNT", help="beløbet i kroner")
        a.add_argument("--counts", required=True, metavar="FILE", help="CSV med kommunekode,count")
        a.add_argument("--unit", default="1", metavar="U", help="fordelingsenhed i hele kroner (standard 1)")
        a.add_argument("--out", metavar="FILE", help="CSV-fil til resultatet (ellers standard output)")

        e = add("evaluate", help="Evaluér raterne (udbetal eller lad bortfalde).")
        e.add_argument("--pool", metavar="UUID", help="kun denne pulje (standard: alle fordelte)")
        e.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="dagens dato (standard: i dag)")

        m = add("monthly-reports", help="Dan sidste måneds rapport til hver kommune (én gang).")
        m.add_argument("--pool", metavar="UUID")
        m.add_argument("--today", type=_date, metavar="YYYY-MM-DD")

        x = add("export", help="Pseudonymiseret evalueringsudtræk (CSV eller Parquet).")
        x.add_argument("--pool", required=True, metavar="UUID")
        x.add_argument("--out", required=True, metavar="FILE")
        x.add_argument("--format", choices=["csv", "parquet"], default=None,
                       help="standard: efter filens endelse")
        x.add_argument("--summary", metavar="FILE", help="CSV med en opsummering pr. kommune (små tal skjult)")
        x.add_argument("--points", metavar="FILE", help="CSV med det udtræk, hvert målepunkt er målt på")
        x.add_argument("--today", type=_date, metavar="YYYY-MM-DD")

        v = add("evaluation-extract", help="Tilknyt et registerudtræk til evalueringens udfald.")
        v.add_argument("--pool", required=True, metavar="UUID")
        v.add_argument("--extract", required=True, metavar="UUID", help="registerudtrækkets id")
        v.add_argument("--data-as-of", required=True, type=_date, metavar="YYYY-MM-DD",
                       help="den dag, udtrækkets data er opgjort til")
        v.add_argument("--today", type=_date, metavar="YYYY-MM-DD")

    def handle(self, *args, subcommand, **options):
        getattr(self, subcommand.replace("-", "_"))(**options)

    def allocate(self, *, total, counts, unit, out, **options):
        unit_value = parse_amount(unit, what="Enheden")
        amount = parse_amount(total, what="Beløbet")
        table = read_counts(counts)
        amounts = allocate(amount, table, unit_value)
        if out:
            with atomic_output(out) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
                write_allocation(handle, table, amounts)
        else:
            write_allocation(self.stdout, table, amounts)

    def _pools(self, pool_id):
        from helhed.pools.models import Pool

        pools = Pool.objects.filter(allocated_at__isnull=False)
        if pool_id:
            pools = Pool.objects.filter(pk=pool_id)
            if not pools.exists():
                raise AllocationError(f"Puljen {pool_id} findes ikke.")
        return list(pools.order_by("created_at"))

    def evaluate(self, *, pool, today, **options):
        from django.utils import timezone

        from helhed.pools import services

        now = timezone.now()
        today = today or timezone.localdate(now)
        problem = services.evaluation_date_problem(today=today, now=now)
        if problem:
            raise AllocationError(problem)
        for p in self._pools(pool):
            s = services.evaluate_pool(pool=p, today=today, now=now)
            self.stdout.write(f"{p.name}: {s.to_pay} foreslået udbetalt, {s.to_forfeit} foreslået bortfaldet, "
                              f"{s.waiting} afventer, {s.already} foreslået eller afgjort før, "
                              f"{s.no_target_group} uden nogen i målgruppen, {s.notices} varsler og "
                              f"{s.hearings} partshøringer sendt. "
                              "En anden puljeansvarlig skal godkende forslaget.")

    def monthly_reports(self, *, pool, today, **options):
        from django.utils import timezone

        from helhed.pools import services

        today = today or timezone.localdate()
        for p in self._pools(pool):
            made, already = services.generate_monthly_reports(pool=p, today=today)
            self.stdout.write(f"{p.name}: {made} rapporter dannet, {already} fandtes i forvejen.")

    def export(self, *, pool, out, format, summary, points, today, **options):
        from django.utils import timezone

        from helhed.pools import export, outcomes

        (p,) = self._pools(pool)
        # A later --today cannot bend an outcome: a point is measured only on an extract whose data
        # date is on or before the day it was uploaded.
        today = today or timezone.localdate()
        fmt = format or ("parquet" if out.lower().endswith(".parquet") else "csv")
        data = export.evaluation_rows(pool=p, today=today)
        with atomic_output(out) as tmp:
            export.write(data, tmp, fmt)
        if summary:
            with atomic_output(summary) as tmp:
                export.write_summary(data, tmp)
        if points:
            with atomic_output(points) as tmp:
                export.write_points(data, tmp)
        outcomes.record_measurement(pool=p, outcomes=data.outcomes)
        self.stdout.write(f"{len(data.rows)} rækker skrevet til {out}.")
        for point in data.points:
            where = (f"målt på udtræk {point.extract_id} pr. {point.extract_data_as_of}" if point.measured
                     else f"ikke målt endnu: {point.reason}")
            self.stdout.write(f"{point.months} måneder ({point.on}): {where}.")

    def evaluation_extract(self, *, pool, extract, data_as_of, today, **options):
        from django.core.exceptions import ValidationError
        from django.utils import timezone

        from helhed.pools import outcomes
        from helhed.register.models import RegisterExtract

        (p,) = self._pools(pool)
        e = RegisterExtract.objects.filter(pk=extract).first()
        if e is None:
            raise AllocationError(f"Registerudtrækket {extract} findes ikke.")
        try:
            outcomes.register_extract(pool=p, extract=e, data_as_of=data_as_of, actor=None,
                                      today=min(today or timezone.localdate(), timezone.localdate()))
        except ValidationError as error:
            raise AllocationError(" ".join(error.messages)) from None
        self.stdout.write(f"Udtrækket er tilknyttet evalueringen med data pr. {data_as_of}.")


