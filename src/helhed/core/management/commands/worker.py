"""``helhed worker``: runs the scheduled jobs (``helhed.core.worker.JOBS``).

    helhed worker           run until SIGTERM or SIGINT (under systemd, one or two per machine)
    helhed worker --once    run what is due now and stop (from cron, every minute)
    helhed worker --list    each job, its schedule, its last run and when it runs next
"""

from __future__ import annotations

import logging
import signal
import threading

from django.utils import timezone

from helhed.core import worker
from helhed.core.calendar import COPENHAGEN
from helhed.core.commands import Command as BaseCommand

logger = logging.getLogger("helhed.worker")


def _local(moment) -> str:
    return f"{moment.astimezone(COPENHAGEN):%Y-%m-%d %H:%M}" if moment else "-"


class Command(BaseCommand):
    help = ("Kører de planlagte opgaver (udbakker, puljernes rater og månedsrapporter) i baggrunden. "
            "Hver planlagt kørsel sker én gang, også når kommandoen kører på flere maskiner.")

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true",
                          help="Kør de opgaver, der er forfaldne nu, og stop (til cron).")
        mode.add_argument("--list", action="store_true",
                          help="Vis hver opgave, dens plan, seneste kørsel og udfald.")

    def handle(self, *args, **options):
        if options["list"]:
            self.list_jobs()
        elif options["once"]:
            for run in worker.run_due():
                self.stdout.write(f"{run.job}: {run.get_outcome_display()}. {run.message}")
        else:
            self.run_until_stopped()

    def list_jobs(self):
        now = timezone.now()
        for status in worker.job_statuses(now=now):
            job, last = status.job, status.last
            self.stdout.write(f"{job.name}: {job.schedule.describe()}")
            if job.command:
                self.stdout.write(f"  samme som: {job.command}")
            if last is None:
                self.stdout.write("  seneste kørsel: ingen")
            else:
                self.stdout.write(f"  seneste kørsel: planlagt {_local(last.scheduled_for)}, "
                                  f"startet {_local(last.started_at)}, afsluttet {_local(last.finished_at)}, "
                                  f"{last.get_outcome_display().lower()} ({last.host})")
                if last.message:
                    self.stdout.write(f"  besked: {last.message}")
            self.stdout.write(f"  næste kørsel: {_local(status.next_run)}")

    def run_until_stopped(self):
        stop = threading.Event()

        def request_stop(signum, frame):
            logger.info("Stopper efter den igangværende opgave (signal %s).", signal.Signals(signum).name)
            stop.set()

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        logger.info("Worker %s startet med %d opgaver.", worker.worker_name(), len(worker.JOBS))
        try:
            worker.run_forever(should_stop=stop.is_set, sleep=stop.wait)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("Worker %s stoppet.", worker.worker_name())
