"""The mixed load's locust file (``bench/locust_mixed.py``) loads with a plan, names the
classes ``bench/mixed_load.py`` runs, and paces each user on its own schedule. Checked in
a separate interpreter: importing locust patches the standard library for gevent."""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"

SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import locust_mixed as m
from mixed_load import BASELINE, MIX

clock = [100.0]
wait = m._wait(clock=lambda: clock[0])

class User:
    pass

early, late = User(), User()
early.next_task_at, late.next_task_at = 100.0, 100.25  # began at different points of the period
waits = []
clock[0] = 100.1; waits.append(wait(early))   # a task of 0.1 s
clock[0] = 100.3; waits.append(wait(late))    # a task of 0.05 s
clock[0] = 100.5; waits.append(wait(early))   # the next task took no time
clock[0] = 101.7; waits.append(wait(late))    # a task longer than the period
print(json.dumps({"waits": [round(w, 6) for w in waits], "next": [early.next_task_at, late.next_task_at],
                  "classes": [name for name in MIX + BASELINE if hasattr(m, name)]}))
"""


def _run(tmp_path, tasks_per_second):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"caseworker": [], "borgerservice": [], "kvik": []}))
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(BENCH)], capture_output=True, text=True, timeout=120,  # noqa: S603
                          env={"MIXED_PLAN": str(plan), "MIXED_TASKS_PER_USER_PER_SECOND": tasks_per_second,
                               "PATH": "/usr/bin:/bin"}, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_paced_users_keep_their_own_phase_and_catch_up_at_once(tmp_path):
    result = _run(tmp_path, "2")  # a task every 0.5 s
    assert result["classes"] == ["Caseworker", "Borgerservice", "KvikClient", "Baseline"]
    # Each user's next task comes a period after its own last start, not after the
    # moment the users were made: the two stay a quarter period apart.
    assert result["waits"][:3] == [0.4, 0.45, 0.5]
    # A user that fell behind starts at once and keeps its schedule from there.
    assert result["waits"][3] == 0
    assert result["next"] == [101.0, 101.7]
