"""``helhed worker``: the scheduled jobs of helhed and the loop that runs them.

``JOBS`` below is the one list of what runs when (docs/operations.md, "Scheduled work"):

- ``send_outbox``: Borgerservice's SMS and e-mail (confirmations, reminders), every minute;
- ``send_letters``: case letters to Digital Post or the print queue, every minute;
- ``pool_evaluate``: the pools' tranche milestones and payouts, nightly at 02:00 Danish time;
- ``pool_monthly_reports``: the municipalities' monthly reports, the 1st of each month at 03:00;
- ``prune_job_runs``: forgets runs older than ``KEEP_RUNS``, nightly at 04:00.

Each job calls the same service functions as its management command, so there is one code
path. Runs are recorded as ``core.JobRun`` rows; the row is inserted before the job runs and
a unique constraint on (job, scheduled_for) makes the insert a claim: of several workers
(on one machine or several, SQLite or PostgreSQL) exactly one gets each scheduled run.

Only the latest scheduled time of a job is ever considered, so a worker that was stopped
for a while runs each job once when it comes back (the last missed run), not once for every
missed minute. Every job is safe to run again (the outboxes lock their rows, the pool
services are idempotent), which is what makes catching up with a single run enough.

Times are Danish (Europe/Copenhagen, ``helhed.core.calendar.COPENHAGEN``): a nightly job at
02:00 runs once on the day clocks go forward (02:00 does not exist; it runs at the change,
03:00 summer time) and once on the day clocks go back (at the first 02:00, summer time).
Every function that needs the time takes ``now``.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db import DatabaseError, IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from helhed.core.calendar import COPENHAGEN
from helhed.core.logging import redact_cpr
from helhed.core.models import JobRun, JobRunOutcome

logger = logging.getLogger("helhed.worker")

UTC = datetime.UTC
MAX_SLEEP = datetime.timedelta(seconds=30)
KEEP_RUNS = datetime.timedelta(days=90)


# --- schedules -----------------------------------------------------------------------------

class Schedule(Protocol):
    def latest(self, now: datetime.datetime) -> datetime.datetime:
        """The last scheduled moment at or before ``now`` (aware, UTC)."""

    def following(self, now: datetime.datetime) -> datetime.datetime:
        """The first scheduled moment after ``now`` (aware, UTC)."""

    def describe(self) -> str:
        """The schedule in Danish, for ``helhed worker --list``."""


def _utc(moment: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(moment):
        raise ValueError("now must be an aware datetime")
    return moment.astimezone(UTC)


def _local(day: datetime.date, at: datetime.time) -> datetime.datetime:
    """``at`` on ``day`` in Danish time, as UTC. A time that does not exist (in the hour
    skipped when clocks go forward) is the moment of the change; a time that happens twice
    (when clocks go back) is its first occurrence (``fold=0``)."""
    return datetime.datetime.combine(day, at, tzinfo=COPENHAGEN).astimezone(UTC)


@dataclass(frozen=True)
class EveryMinute:
    def latest(self, now: datetime.datetime) -> datetime.datetime:
        return _utc(now).replace(second=0, microsecond=0)

    def following(self, now: datetime.datetime) -> datetime.datetime:
        return self.latest(now) + datetime.timedelta(minutes=1)

    def describe(self) -> str:
        return "hvert minut"


@dataclass(frozen=True)
class Daily:
    at: datetime.time

    def latest(self, now: datetime.datetime) -> datetime.datetime:
        now = _utc(now)
        today = now.astimezone(COPENHAGEN).date()
        moment = _local(today, self.at)
        return moment if moment <= now else _local(today - datetime.timedelta(days=1), self.at)

    def following(self, now: datetime.datetime) -> datetime.datetime:
        now = _utc(now)
        today = now.astimezone(COPENHAGEN).date()
        moment = _local(today, self.at)
        return moment if moment > now else _local(today + datetime.timedelta(days=1), self.at)

    def describe(self) -> str:
        return f"hver dag kl. {self.at:%H:%M} (dansk tid)"


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Monthly:
    """On the 1st of each month at ``at`` Danish time."""

    at: datetime.time

    def latest(self, now: datetime.datetime) -> datetime.datetime:
        now = _utc(now)
        first = now.astimezone(COPENHAGEN).date().replace(day=1)
        moment = _local(first, self.at)
        return moment if moment <= now else _local(_add_months(first, -1), self.at)

    def following(self, now: datetime.datetime) -> datetime.datetime:
        now = _utc(now)
        first = now.astimezone(COPENHAGEN).date().replace(day=1)
        moment = _local(first, self.at)
        return moment if moment > now else _local(_add_months(first, 1), self.at)

    def describe(self) -> str:
        return f"den 1. i hver måned kl. {self.at:%H:%M} (dansk tid)"


# --- the jobs ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Job:
    name: str
    command: str  # the management command that does the same by hand
    schedule: Schedule
    run: Callable[[datetime.datetime], str]  # takes now, returns a short summary


def send_outbox(now: datetime.datetime) -> str:
    """As ``helhed send_outbox``: queue reminders, then deliver the Borgerservice outbox."""
    from helhed.borgerservice import outbox, services

    reminders = services.queue_reminders(now=now)
    counts = outbox.deliver(now=now)
    return (f"Påmindelser lagt i kø: {reminders}. Sendt: {counts['sent']}, prøves igen: {counts['retry']}, "
            f"fejlet: {counts['failed']}.")


def send_letters(now: datetime.datetime) -> str:
    """As ``helhed send_letters``: deliver the case letters."""
    from helhed.casework import outbox

    counts = outbox.deliver(now=now)
    return (f"Digital Post: {counts['digital_post']}, udskriftskø: {counts['print']}, "
            f"prøves igen: {counts['retry']}, fejlet: {counts['failed']}.")


def _allocated_pools():
    # The pools ``helhed pool evaluate`` and ``monthly-reports`` work on without --pool.
    from helhed.pools.models import Pool

    return list(Pool.objects.filter(allocated_at__isnull=False).order_by("created_at"))


def pool_evaluate(now: datetime.datetime) -> str:
    """As ``helhed pool evaluate``: evaluate the tranches of every allocated pool as of
    today's Danish date (``pools.services.evaluate_pool``)."""
    from helhed.pools import services

    today = now.astimezone(COPENHAGEN).date()
    paid = forfeited = 0
    pools = _allocated_pools()
    for pool in pools:
        summary = services.evaluate_pool(pool=pool, today=today, now=now)
        paid, forfeited = paid + summary.to_pay, forfeited + summary.to_forfeit
    return f"{len(pools)} puljer: {paid} foreslået udbetalt, {forfeited} foreslået bortfaldet (afventer godkendelse)."


def pool_monthly_reports(now: datetime.datetime) -> str:
    """As ``helhed pool monthly-reports``: last month's report for every approved applicant
    of every allocated pool (``pools.services.generate_monthly_reports``)."""
    from helhed.pools import services

    today = now.astimezone(COPENHAGEN).date()
    made = already = 0
    pools = _allocated_pools()
    for pool in pools:
        m, a = services.generate_monthly_reports(pool=pool, today=today)
        made, already = made + m, already + a
    return f"{len(pools)} puljer: {made} rapporter dannet, {already} fandtes i forvejen."


def prune_job_runs(now: datetime.datetime) -> str:
    """Forget runs scheduled more than ``KEEP_RUNS`` ago: the every-minute jobs add about
    2,900 rows a day. The last run of each job is always newer than that."""
    deleted, _ = JobRun.objects.filter(scheduled_for__lt=now - KEEP_RUNS).delete()
    return f"{deleted} gamle kørsler slettet."


JOBS: tuple[Job, ...] = (
    Job("send_outbox", "helhed send_outbox", EveryMinute(), send_outbox),
    Job("send_letters", "helhed send_letters", EveryMinute(), send_letters),
    Job("pool_evaluate", "helhed pool evaluate", Daily(datetime.time(2, 0)), pool_evaluate),
    Job("pool_monthly_reports", "helhed pool monthly-reports", Monthly(datetime.time(3, 0)), pool_monthly_reports),
    Job("prune_job_runs", "", Daily(datetime.time(4, 0)), prune_job_runs),
)


# --- running -------------------------------------------------------------------------------

def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def due(*, now: datetime.datetime, jobs: Iterable[Job] = JOBS) -> list[tuple[Job, datetime.datetime]]:
    """The jobs whose latest scheduled time has no run yet, with that time."""
    jobs = list(jobs)
    latest = {job.name: job.schedule.latest(now) for job in jobs}
    taken = set(JobRun.objects.filter(job__in=latest, scheduled_for__in=set(latest.values()))
                .values_list("job", "scheduled_for"))
    return [(job, latest[job.name]) for job in jobs if (job.name, latest[job.name]) not in taken]


def claim(*, job: Job, scheduled_for: datetime.datetime, now: datetime.datetime) -> JobRun | None:
    """Insert the run of ``job`` at ``scheduled_for``; ``None`` when another worker has it."""
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job.name, scheduled_for=scheduled_for, started_at=now,
                                         host=worker_name()[:200])
    except IntegrityError:
        return None


def execute(*, job: Job, run: JobRun, clock: Callable[[], datetime.datetime] = timezone.now) -> JobRun:
    """Run a claimed job and record how it went. A failure is logged with its traceback
    (CPR numbers redacted) and recorded; it is not raised, so the worker goes on."""
    try:
        message = job.run(run.started_at)
    except Exception as error:  # noqa: BLE001  (any failure of a job is recorded, not fatal)
        logger.error("Opgaven %s (planlagt til %s) fejlede:\n%s", job.name, run.scheduled_for.isoformat(),
                     redact_cpr(traceback.format_exc()))
        run.outcome, run.message = JobRunOutcome.FAILED, redact_cpr(f"{type(error).__name__}: {error}")
    else:
        logger.info("Opgaven %s (planlagt til %s): %s", job.name, run.scheduled_for.isoformat(), message)
        run.outcome, run.message = JobRunOutcome.OK, redact_cpr(message)
    run.message = run.message[:500]
    run.finished_at = clock()
    run.save(update_fields=["outcome", "message", "finished_at"])
    return run


def run_due(*, now: datetime.datetime | None = None, jobs: Iterable[Job] = JOBS,
            should_stop: Callable[[], bool] = lambda: False) -> list[JobRun]:
    """Run every job that is due at ``now`` and that no other worker has claimed, one after
    another; stop before the next job once ``should_stop()`` is true. Returns the runs made.

    With ``now`` given, that is the clock for everything (tests); without it, each job is
    given the time it starts."""
    clock: Callable[[], datetime.datetime] = (lambda: now) if now is not None else timezone.now
    runs = []
    for job, scheduled_for in due(now=clock(), jobs=jobs):
        if should_stop():
            break
        run = claim(job=job, scheduled_for=scheduled_for, now=clock())
        if run is not None:
            runs.append(execute(job=job, run=run, clock=clock))
    return runs


def seconds_until_next(*, now: datetime.datetime, jobs: Iterable[Job] = JOBS,
                       max_sleep: datetime.timedelta = MAX_SLEEP) -> float:
    """How long to sleep: until the next scheduled moment of any job, at most ``max_sleep``."""
    wake = min(job.schedule.following(now) for job in jobs)
    return max(0.0, min((wake - now).total_seconds(), max_sleep.total_seconds()))


def run_forever(*, should_stop: Callable[[], bool], sleep: Callable[[float], object],
                jobs: Iterable[Job] = JOBS) -> None:
    """The worker's loop: run what is due, sleep until the next job (``sleep`` returns early
    when the worker is asked to stop), until ``should_stop()``."""
    jobs = list(jobs)
    while not should_stop():
        if not connection.in_atomic_block:
            close_old_connections()  # a long-lived process must not keep a broken connection
        try:
            run_due(jobs=jobs, should_stop=should_stop)
        except DatabaseError:  # the database is away (restart, failover): try again next round
            logger.error("Databasen kunne ikke nås; prøver igen:\n%s", redact_cpr(traceback.format_exc()))
        if should_stop():
            break
        sleep(seconds_until_next(now=timezone.now(), jobs=jobs))


@dataclass(frozen=True)
class JobStatus:
    job: Job
    last: JobRun | None
    next_run: datetime.datetime


def job_statuses(*, now: datetime.datetime, jobs: Iterable[Job] = JOBS) -> list[JobStatus]:
    """Each job with its last recorded run and its next scheduled time, for ``--list``."""
    statuses = []
    for job in jobs:
        last = JobRun.objects.filter(job=job.name).order_by("-scheduled_for").first()
        statuses.append(JobStatus(job=job, last=last, next_run=job.schedule.following(now)))
    return statuses
