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

A worker that dies in the middle of a run (killed, out of memory, the machine gone) cannot
record the outcome. While a job runs, a thread writes the run's heartbeat every
``HEARTBEAT_EVERY``; a run still marked running with no heartbeat for ``STALE_AFTER`` is taken
over by the next worker that looks and run again, up to ``MAX_ATTEMPTS`` in all, and is
otherwise marked failed, so no run stays "Kører" for ever.

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
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db import DatabaseError, IntegrityError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from helhed.core.calendar import COPENHAGEN, add_months
from helhed.core.logging import redact_cpr
from helhed.core.models import JobRun, JobRunOutcome

logger = logging.getLogger("helhed.worker")

UTC = datetime.UTC
MAX_SLEEP = datetime.timedelta(seconds=30)
KEEP_RUNS = datetime.timedelta(days=90)
# Our parameters: a heartbeat every 30 seconds; five minutes without one means the worker died
# (ten missed heartbeats: a busy database does not make a live worker look dead); three tries.
HEARTBEAT_EVERY = datetime.timedelta(seconds=30)
STALE_AFTER = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 3


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


@dataclass(frozen=True)
class Monthly:
    """On the 1st of each month at ``at`` Danish time."""

    at: datetime.time

    def latest(self, now: datetime.datetime) -> datetime.datetime:
        now = _utc(now)
        first = now.astimezone(COPENHAGEN).date().replace(day=1)
        moment = _local(first, self.at)
        return moment if moment <= now else _local(add_months(first, -1), self.at)

    def following(self, now: datetime.datetime) -> datetime.datetime:
        now = _utc(now)
        first = now.astimezone(COPENHAGEN).date().replace(day=1)
        moment = _local(first, self.at)
        return moment if moment > now else _local(add_months(first, 1), self.at)

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


def _stale(now: datetime.datetime) -> Q:
    """Runs still marked running whose worker has given no sign of life for ``STALE_AFTER``."""
    silent = now - STALE_AFTER
    return Q(outcome=JobRunOutcome.RUNNING) & (Q(heartbeat_at__lt=silent)
                                               | Q(heartbeat_at__isnull=True, started_at__lt=silent))


def recover_stale(*, now: datetime.datetime, jobs: Iterable[Job] = JOBS) -> int:
    """Mark failed every stale run that will not be taken over: one of an earlier scheduled
    time (only the latest is ever run) or one that has had its ``MAX_ATTEMPTS``. Returns how
    many were marked."""
    latest = {job.name: job.schedule.latest(now) for job in jobs}
    marked = 0
    for run in JobRun.objects.filter(_stale(now)):
        if run.scheduled_for == latest.get(run.job) and run.attempts < MAX_ATTEMPTS:
            continue  # ``claim`` takes it over
        marked += JobRun.objects.filter(_stale(now), pk=run.pk).update(
            outcome=JobRunOutcome.FAILED, finished_at=now,
            message=f"Arbejderen ({run.host[:120]}) stoppede under kørslen: intet livstegn i "
                    f"{int(STALE_AFTER.total_seconds() // 60)} minutter (forsøg {run.attempts}).")
    return marked


def due(*, now: datetime.datetime, jobs: Iterable[Job] = JOBS) -> list[tuple[Job, datetime.datetime]]:
    """The jobs whose latest scheduled time has no run yet, or only a stale one that may be
    tried again, with that time."""
    jobs = list(jobs)
    latest = {job.name: job.schedule.latest(now) for job in jobs}
    taken = set(JobRun.objects.filter(job__in=latest, scheduled_for__in=set(latest.values()))
                .exclude(_stale(now) & Q(attempts__lt=MAX_ATTEMPTS)).values_list("job", "scheduled_for"))
    return [(job, latest[job.name]) for job in jobs if (job.name, latest[job.name]) not in taken]


def claim(*, job: Job, scheduled_for: datetime.datetime, now: datetime.datetime) -> JobRun | None:
    """Insert the run of ``job`` at ``scheduled_for``, or take over a stale one (a conditional
    update: of several workers exactly one matches); ``None`` when another worker has it."""
    me = worker_name()[:200]
    taken_over = JobRun.objects.filter(_stale(now), job=job.name, scheduled_for=scheduled_for,
                                       attempts__lt=MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1, started_at=now, heartbeat_at=now, host=me,
        message="Forrige forsøg stoppede uden livstegn; prøvet igen.")
    if taken_over:
        return JobRun.objects.get(job=job.name, scheduled_for=scheduled_for)
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job.name, scheduled_for=scheduled_for, started_at=now, heartbeat_at=now,
                                         host=me)
    except IntegrityError:
        return None


def beat(run: JobRun, *, now: datetime.datetime) -> bool:
    """Write ``run``'s heartbeat; False when the run is no longer this worker's (it was
    taken over or marked failed while this worker was silent)."""
    return JobRun.objects.filter(pk=run.pk, outcome=JobRunOutcome.RUNNING, attempts=run.attempts).update(
        heartbeat_at=now) == 1


class _Heartbeat(threading.Thread):
    """Beats for a run every ``HEARTBEAT_EVERY`` until stopped, on its own connection."""

    def __init__(self, run: JobRun):
        super().__init__(name=f"heartbeat-{run.pk}", daemon=True)
        self.run_ = run
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_EVERY.total_seconds()):
                try:
                    beat(self.run_, now=timezone.now())
                except DatabaseError:  # the database is away for a moment: beat next time
                    logger.warning("Livstegn for opgaven %s kunne ikke skrives.", self.run_.job)
        finally:
            connection.close()


def execute(*, job: Job, run: JobRun, clock: Callable[[], datetime.datetime] = timezone.now) -> JobRun:
    """Run a claimed job and record how it went. A failure is logged with its traceback
    (CPR numbers redacted) and recorded; it is not raised, so the worker goes on. While the
    job runs, a thread writes the run's heartbeat."""
    heartbeat = _Heartbeat(run)
    heartbeat.start()
    try:
        message = job.run(run.started_at)
    except Exception as error:  # noqa: BLE001  (any failure of a job is recorded, not fatal)
        logger.error("Opgaven %s (planlagt til %s) fejlede:\n%s", job.name, run.scheduled_for.isoformat(),
                     redact_cpr(traceback.format_exc()))
        run.outcome, run.message = JobRunOutcome.FAILED, redact_cpr(f"{type(error).__name__}: {error}")
    else:
        logger.info("Opgaven %s (planlagt til %s): %s", job.name, run.scheduled_for.isoformat(), message)
        run.outcome, run.message = JobRunOutcome.OK, redact_cpr(message)
    finally:
        heartbeat.stopped.set()
        heartbeat.join()
    run.message = run.message[:500]
    run.finished_at = clock()
    # Only while the run is still this attempt's: a worker silent for too long has lost it.
    if not JobRun.objects.filter(pk=run.pk, attempts=run.attempts).update(
            outcome=run.outcome, message=run.message, finished_at=run.finished_at):
        logger.warning("Opgaven %s (planlagt til %s) blev overtaget af en anden arbejder under kørslen.",
                       job.name, run.scheduled_for.isoformat())
    return run


def run_due(*, now: datetime.datetime | None = None, jobs: Iterable[Job] = JOBS,
            should_stop: Callable[[], bool] = lambda: False) -> list[JobRun]:
    """Run every job that is due at ``now`` and that no other worker has claimed, one after
    another; stop before the next job once ``should_stop()`` is true. Returns the runs made.

    With ``now`` given, that is the clock for everything (tests); without it, each job is
    given the time it starts."""
    clock: Callable[[], datetime.datetime] = (lambda: now) if now is not None else timezone.now
    jobs = list(jobs)
    recover_stale(now=clock(), jobs=jobs)
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
