"""``helhed worker``: the schedule arithmetic (Danish time, across the clock changes), the
claim that makes every scheduled run happen once, catching up after downtime, failures."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from helhed.core import worker
from helhed.core.calendar import COPENHAGEN
from helhed.core.models import JobRun, JobRunOutcome
from helhed.core.worker import Daily, EveryMinute, Job, Monthly
from tests.concurrency import at_once

UTC = datetime.UTC


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def local(*args, fold=0) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=COPENHAGEN, fold=fold).astimezone(UTC)


NIGHTLY = Daily(datetime.time(2, 0))


# --- schedules -----------------------------------------------------------------------------

def test_every_minute_is_due_at_the_start_of_the_minute():
    s = EveryMinute()
    assert s.latest(utc(2026, 5, 4, 10, 17, 59, 999)) == utc(2026, 5, 4, 10, 17)
    assert s.latest(utc(2026, 5, 4, 10, 17)) == utc(2026, 5, 4, 10, 17)
    assert s.following(utc(2026, 5, 4, 10, 17)) == utc(2026, 5, 4, 10, 18)


def test_nightly_is_two_oclock_danish_time_in_winter_and_summer():
    # Winter: 02:00 CET is 01:00 UTC; summer: 02:00 CEST is 00:00 UTC.
    assert NIGHTLY.latest(utc(2026, 1, 15, 12)) == utc(2026, 1, 15, 1)
    assert NIGHTLY.latest(utc(2026, 7, 15, 12)) == utc(2026, 7, 15, 0)
    # Before 02:00 the latest run is last night's.
    assert NIGHTLY.latest(local(2026, 1, 15, 1, 59)) == utc(2026, 1, 14, 1)
    assert NIGHTLY.following(local(2026, 1, 15, 1, 59)) == utc(2026, 1, 15, 1)
    assert NIGHTLY.following(local(2026, 1, 15, 2, 0)) == utc(2026, 1, 16, 1)


def _nightly_runs(start: datetime.datetime, end: datetime.datetime) -> list[datetime.datetime]:
    runs, moment = [], start
    while (moment := NIGHTLY.following(moment)) <= end:
        runs.append(moment)
    return runs


def test_nightly_runs_once_on_the_day_clocks_go_forward():
    # Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:00 does not exist.
    runs = _nightly_runs(local(2026, 3, 28, 12), local(2026, 3, 30, 12))
    assert runs == [utc(2026, 3, 29, 1), utc(2026, 3, 30, 0)]
    assert runs[0].astimezone(COPENHAGEN).hour == 3  # at the change: 03:00 summer time
    # Just before and after the change.
    assert NIGHTLY.latest(utc(2026, 3, 29, 0, 59)) == utc(2026, 3, 28, 1)
    assert NIGHTLY.latest(utc(2026, 3, 29, 1, 0)) == utc(2026, 3, 29, 1)


def test_nightly_runs_once_on_the_day_clocks_go_back():
    # Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:00-03:00 happens twice.
    runs = _nightly_runs(local(2026, 10, 24, 12), local(2026, 10, 26, 12))
    assert runs == [utc(2026, 10, 25, 0), utc(2026, 10, 26, 1)]
    # At the second 02:00 (01:00 UTC) the night's run is still the first one: not again.
    second_two_oclock = local(2026, 10, 25, 2, 0, fold=1)
    assert second_two_oclock == utc(2026, 10, 25, 1)
    assert NIGHTLY.latest(second_two_oclock) == utc(2026, 10, 25, 0)
    assert NIGHTLY.following(second_two_oclock) == utc(2026, 10, 26, 1)


def test_monthly_runs_on_the_first_at_three():
    s = Monthly(datetime.time(3, 0))
    assert s.latest(local(2026, 3, 1, 3, 0)) == local(2026, 3, 1, 3, 0)
    assert s.latest(local(2026, 3, 1, 2, 59)) == local(2026, 2, 1, 3, 0)
    assert s.latest(local(2026, 1, 1, 2, 0)) == local(2025, 12, 1, 3, 0)
    assert s.following(local(2026, 12, 31, 23, 0)) == local(2027, 1, 1, 3, 0)
    # 1 November 2026 is winter time again: 03:00 CET is 02:00 UTC.
    assert s.following(local(2026, 10, 15, 12)) == utc(2026, 11, 1, 2)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        EveryMinute().latest(datetime.datetime(2026, 1, 1, 12))


def test_the_worker_sleeps_until_the_next_job_but_at_most_30_seconds():
    jobs = [Job("nightly", "", NIGHTLY, lambda now: "")]
    assert worker.seconds_until_next(now=local(2026, 1, 15, 1, 59, 50), jobs=jobs) == 10
    assert worker.seconds_until_next(now=local(2026, 1, 15, 1, 0), jobs=jobs) == 30
    assert worker.seconds_until_next(now=utc(2026, 1, 15, 10, 0, 45), jobs=worker.JOBS) == 15


# --- running -------------------------------------------------------------------------------

class Recorder:
    def __init__(self, fail: bool = False):
        self.calls: list[datetime.datetime] = []
        self.fail = fail

    def __call__(self, now):
        self.calls.append(now)
        if self.fail:
            raise RuntimeError("Borgeren 0101901234 kunne ikke nås")
        return f"kørt {len(self.calls)}"


def test_a_job_is_due_until_it_has_run(db):
    job = Job("minut", "", EveryMinute(), Recorder())
    now = utc(2026, 5, 4, 10, 17, 30)
    assert worker.due(now=now, jobs=[job]) == [(job, utc(2026, 5, 4, 10, 17))]
    (run,) = worker.run_due(now=now, jobs=[job])
    assert (run.job, run.scheduled_for, run.outcome, run.message) == ("minut", utc(2026, 5, 4, 10, 17), "ok",
                                                                      "kørt 1")
    assert run.started_at == run.finished_at == now
    assert worker.due(now=now, jobs=[job]) == []
    assert worker.run_due(now=utc(2026, 5, 4, 10, 17, 59), jobs=[job]) == []
    assert len(job.run.calls) == 1
    assert len(worker.run_due(now=utc(2026, 5, 4, 10, 18), jobs=[job])) == 1


def test_two_claims_for_the_same_run_one_wins(db):
    job = Job("nat", "", NIGHTLY, Recorder())
    scheduled = NIGHTLY.latest(utc(2026, 5, 4, 12))
    first = worker.claim(job=job, scheduled_for=scheduled, now=utc(2026, 5, 4, 12))
    second = worker.claim(job=job, scheduled_for=scheduled, now=utc(2026, 5, 4, 12, 0, 1))
    assert first is not None and second is None
    assert JobRun.objects.filter(job="nat").count() == 1
    # Another worker that saw the run as due before the claim does not run it either.
    assert worker.run_due(now=utc(2026, 5, 4, 12), jobs=[job]) == []
    assert job.run.calls == []


def test_a_worker_that_finds_the_run_claimed_between_due_and_claim_skips_it(db, monkeypatch):
    job = Job("nat", "", NIGHTLY, Recorder())
    now = utc(2026, 5, 4, 12)
    stale = worker.due(now=now, jobs=[job])  # what a second worker saw a moment ago
    worker.run_due(now=now, jobs=[job])  # the first worker claims and runs it
    monkeypatch.setattr(worker, "due", lambda **kwargs: stale)
    assert worker.run_due(now=now, jobs=[job]) == []
    assert len(job.run.calls) == 1


def test_after_downtime_only_the_last_missed_run_is_made(db):
    minute, nightly = Recorder(), Recorder()
    jobs = [Job("minut", "", EveryMinute(), minute), Job("nat", "", NIGHTLY, nightly)]
    worker.run_due(now=local(2026, 5, 4, 10, 0), jobs=jobs)
    # Down from Monday 10:00 to Thursday 09:30: three nights and many minutes missed.
    runs = worker.run_due(now=local(2026, 5, 7, 9, 30, 20), jobs=jobs)
    assert {(r.job, r.scheduled_for) for r in runs} == {("minut", local(2026, 5, 7, 9, 30)),
                                                        ("nat", local(2026, 5, 7, 2, 0))}
    assert len(minute.calls) == 2 and len(nightly.calls) == 2
    assert JobRun.objects.count() == 4


def test_a_failing_job_is_recorded_and_logged_and_the_next_job_still_runs(db, caplog):
    failing, after = Recorder(fail=True), Recorder()
    jobs = [Job("fejler", "", EveryMinute(), failing), Job("bagefter", "", EveryMinute(), after)]
    with caplog.at_level(logging.ERROR, logger="helhed.worker"):
        runs = worker.run_due(now=utc(2026, 5, 4, 10, 0), jobs=jobs)
    assert [(r.job, r.outcome) for r in runs] == [("fejler", "failed"), ("bagefter", "ok")]
    failed = JobRun.objects.get(job="fejler")
    assert failed.outcome == JobRunOutcome.FAILED and failed.finished_at is not None
    assert failed.message == "RuntimeError: Borgeren [CPR] kunne ikke nås"
    assert len(after.calls) == 1
    (record,) = [r for r in caplog.records if r.name == "helhed.worker"]
    text = record.getMessage()
    assert "Traceback" in text and "RuntimeError" in text and "fejler" in text
    assert "0101901234" not in text and "[CPR]" in text
    # A failed run is not retried for the same scheduled time; the next minute runs again.
    assert worker.run_due(now=utc(2026, 5, 4, 10, 0, 30), jobs=jobs) == []
    assert len(worker.run_due(now=utc(2026, 5, 4, 10, 1), jobs=jobs)) == 2


def test_the_worker_stops_before_the_next_job_when_asked(db):
    first, second = Recorder(), Recorder()
    stop = []
    jobs = [Job("første", "", EveryMinute(), lambda now: stop.append(True) or first(now)),
            Job("anden", "", EveryMinute(), second)]
    runs = worker.run_due(now=utc(2026, 5, 4, 10, 0), jobs=jobs, should_stop=lambda: bool(stop))
    assert [r.job for r in runs] == ["første"] and second.calls == []


def test_the_loop_sleeps_between_rounds_and_stops(db):
    job = Job("minut", "", EveryMinute(), Recorder())
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)

    worker.run_forever(should_stop=lambda: len(sleeps) >= 2, sleep=sleep, jobs=[job])
    assert len(sleeps) == 2 and all(0 <= s <= 30 for s in sleeps)
    assert 1 <= len(job.run.calls) <= 2


def test_old_runs_are_pruned(db):
    now = utc(2026, 5, 4, 4, 0)
    for days in (100, 91, 89):
        JobRun.objects.create(job="send_outbox", scheduled_for=now - datetime.timedelta(days=days), started_at=now)
    assert worker.prune_job_runs(now) == "2 gamle kørsler slettet."
    assert JobRun.objects.count() == 1


# --- the command ---------------------------------------------------------------------------

@pytest.fixture
def frozen(monkeypatch):
    """A fixed clock for the command: Sunday 1 March 2026, 03:30 Danish time."""
    moment = local(2026, 3, 1, 3, 30, 10)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_once_runs_every_due_job_through_the_real_services(db, frozen, settings, capsys):
    from helhed.borgerservice import outbox

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox.queue(channel="email", recipient="karen@example.dk", subject="Din tid", body="Husk din tid.",
                 key="test:1")
    call_command("worker", "--once")
    out = capsys.readouterr().out
    assert {r.job: r.scheduled_for for r in JobRun.objects.all()} == {
        "send_outbox": local(2026, 3, 1, 3, 30), "send_letters": local(2026, 3, 1, 3, 30),
        "pool_evaluate": local(2026, 3, 1, 2, 0), "pool_monthly_reports": local(2026, 3, 1, 3, 0),
        "prune_job_runs": local(2026, 2, 28, 4, 0)}
    assert set(JobRun.objects.values_list("outcome", flat=True)) == {"ok"}
    assert [m.to for m in mail.outbox] == [["karen@example.dk"]]
    assert "send_outbox: Gennemført. Påmindelser lagt i kø: 0. Sendt: 1" in out
    # The same minute again: nothing is due, nothing is sent twice.
    call_command("worker", "--once")
    assert capsys.readouterr().out == ""
    assert JobRun.objects.count() == 5 and len(mail.outbox) == 1


def test_list_shows_each_job_its_schedule_last_run_and_outcome(db, frozen, capsys):
    JobRun.objects.create(job="pool_evaluate", scheduled_for=local(2026, 3, 1, 2, 0), started_at=local(2026, 3, 1, 2),
                          finished_at=local(2026, 3, 1, 2, 1), outcome="failed", message="RuntimeError: nede",
                          host="app1:42")
    call_command("worker", "--list")
    out = capsys.readouterr().out
    assert "send_outbox: hvert minut" in out
    assert "samme som: helhed send_letters" in out
    assert "pool_evaluate: hver dag kl. 02:00 (dansk tid)" in out
    assert ("seneste kørsel: planlagt 2026-03-01 02:00, startet 2026-03-01 02:00, afsluttet 2026-03-01 02:01, "
            "fejlet (app1:42)") in out
    assert "besked: RuntimeError: nede" in out
    assert "næste kørsel: 2026-03-02 02:00" in out
    assert "pool_monthly_reports: den 1. i hver måned kl. 03:00 (dansk tid)" in out
    assert "næste kørsel: 2026-04-01 03:00" in out
    assert out.count("seneste kørsel: ingen") == 4


def test_the_admin_shows_runs_read_only(client, admin_user):
    run = JobRun.objects.create(job="send_letters", scheduled_for=utc(2026, 5, 4, 10), started_at=utc(2026, 5, 4, 10),
                                outcome="ok", message="Digital Post: 3")
    client.force_login(admin_user)
    assert "Digital Post: 3" in client.get("/admin/core/jobrun/").content.decode()
    assert client.get("/admin/core/jobrun/add/").status_code == 403
    assert client.post(f"/admin/core/jobrun/{run.pk}/delete/", {"post": "yes"}).status_code == 403
    assert JobRun.objects.filter(pk=run.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_workers_running_at_once_make_each_run_once():
    """Four workers in their own threads (own database connections) start the same round
    together: every job runs once."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads do not share SQLite's in-memory test database")
    calls, lock = [], threading.Lock()

    def job(now):
        with lock:
            calls.append(now)
        return ""

    jobs = [Job(f"opgave{i}", "", EveryMinute(), job) for i in range(3)]
    runs, errors = at_once(*[lambda: worker.run_due(now=utc(2026, 5, 4, 10, 0), jobs=jobs)] * 4)
    made = [run for made_by_one in runs for run in made_by_one]
    assert errors == []
    assert len(calls) == 3 and len(made) == 3
    assert JobRun.objects.count() == 3


def test_the_loop_survives_a_database_that_is_away(db, monkeypatch, caplog):
    from django.db import OperationalError

    rounds = []

    def unreachable(**kwargs):
        rounds.append(1)
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(worker, "run_due", unreachable)
    with caplog.at_level(logging.ERROR, logger="helhed.worker"):
        worker.run_forever(should_stop=lambda: len(rounds) >= 2, sleep=lambda seconds: None, jobs=worker.JOBS)
    assert len(rounds) == 2
    assert "Databasen kunne ikke nås" in caplog.text


# --- a worker that dies mid-run ------------------------------------------------------------

def test_a_run_left_by_a_dead_worker_is_taken_over_and_run_again(db):
    job = Job("nat", "", NIGHTLY, Recorder())
    scheduled = NIGHTLY.latest(utc(2026, 5, 4, 12))
    # A worker claimed the run at 12:00 and was killed: no outcome, no heartbeat after 12:01.
    left = worker.claim(job=job, scheduled_for=scheduled, now=utc(2026, 5, 4, 12))
    assert worker.beat(left, now=utc(2026, 5, 4, 12, 1))
    # Within five minutes of silence the run is still the first worker's.
    assert worker.run_due(now=utc(2026, 5, 4, 12, 5, 59), jobs=[job]) == []
    (run,) = worker.run_due(now=utc(2026, 5, 4, 12, 6, 1), jobs=[job])
    assert (run.pk, run.outcome, run.attempts) == (left.pk, JobRunOutcome.OK, 2)
    assert len(job.run.calls) == 1 and JobRun.objects.filter(job="nat").count() == 1
    # The dead worker's heartbeat or late result cannot overwrite the run it lost.
    assert not worker.beat(left, now=utc(2026, 5, 4, 12, 7))


def test_a_run_that_keeps_dying_is_marked_failed_after_three_tries(db, caplog):
    job = Job("nat", "", NIGHTLY, Recorder())
    scheduled = NIGHTLY.latest(utc(2026, 5, 4, 12))
    moment = utc(2026, 5, 4, 12)
    assert worker.claim(job=job, scheduled_for=scheduled, now=moment) is not None
    for attempt in (2, 3):
        moment += datetime.timedelta(minutes=6)
        taken = worker.claim(job=job, scheduled_for=scheduled, now=moment)
        assert taken is not None and taken.attempts == attempt
    moment += datetime.timedelta(minutes=6)
    assert worker.due(now=moment, jobs=[job]) == []
    assert worker.run_due(now=moment, jobs=[job]) == []
    run = JobRun.objects.get(job="nat")
    assert run.outcome == JobRunOutcome.FAILED and run.finished_at == moment
    assert "intet livstegn" in run.message and "forsøg 3" in run.message
    assert job.run.calls == []


def test_a_stale_run_of_an_earlier_time_is_marked_failed_not_run(db):
    job = Job("minut", "", EveryMinute(), Recorder())
    old = worker.claim(job=job, scheduled_for=utc(2026, 5, 4, 10, 0), now=utc(2026, 5, 4, 10, 0))
    runs = worker.run_due(now=utc(2026, 5, 4, 10, 30), jobs=[job])
    assert [r.scheduled_for for r in runs] == [utc(2026, 5, 4, 10, 30)]
    old.refresh_from_db()
    assert old.outcome == JobRunOutcome.FAILED and "stoppede under kørslen" in old.message


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_running_job_beats_while_it_runs(monkeypatch):
    """The heartbeat thread writes on its own connection while the job runs."""
    import time

    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads do not share SQLite's in-memory test database")
    monkeypatch.setattr(worker, "HEARTBEAT_EVERY", datetime.timedelta(seconds=0.05))
    seen = []

    def slow(now):
        time.sleep(0.5)
        seen.append(JobRun.objects.get(job="langsom").heartbeat_at)
        return ""

    (run,) = worker.run_due(jobs=[Job("langsom", "", EveryMinute(), slow)])
    assert run.outcome == JobRunOutcome.OK and seen[0] > run.started_at
