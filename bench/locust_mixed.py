"""The mixed day of caseworkers, Borgerservice staff and Kvik-linje clients, for locust.

Started by ``bench/mixed_load.py``, which prepares the plan (sessions, keys and sample ids,
``MIXED_PLAN``) and the server. Every virtual user takes the next slot of its kind in the
plan, so no two users save the same review case or book on the same days, and each action
is named in Danish as it appears in the results. The mix is ``Caseworker``, ``Borgerservice``
and ``KvikClient``; ``Baseline`` is run alone.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
import uuid

import gevent
from locust import FastHttpUser, task

PLAN = json.loads(open(os.environ["MIXED_PLAN"], encoding="utf-8").read())  # noqa: SIM115
TASKS_PER_SECOND = float(os.environ.get("MIXED_TASKS_PER_USER_PER_SECOND", "0"))
_SLOTS = {kind: itertools.count() for kind in ("caseworker", "borgerservice", "kvik")}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VERSION = re.compile(r'name="gennemgang-version" value="(\d+)"')
_IDEMPOTENCY = re.compile(r'name="idempotency_key" value="([^"]+)"')
_SLOT = re.compile(r'name="starts_at" id="[^"]+" value="([^"]+)"')


def _wait(clock=time.perf_counter):
    """As fast as possible, or paced: each user starts a task every ``1 / TASKS_PER_SECOND``
    seconds on its own schedule, begun at a random point of the period (``_stagger``); a
    user that falls behind starts the next task at once. Locust's ``constant_throughput``
    counts from the moment the user was made, so after the first task every user fell back
    into the phase of its creation: all users were made together and then arrived in bursts,
    which measured the bursts' queue rather than the server."""
    if not TASKS_PER_SECOND:
        return lambda user: 0
    period = 1 / TASKS_PER_SECOND

    def paced(user):
        now = clock()
        user.next_task_at = max(now, user.next_task_at + period)
        return user.next_task_at - now

    return paced


def _stagger(user, rng: random.Random) -> None:
    """When paced, begin the user's schedule at a random point of its period."""
    if TASKS_PER_SECOND:
        gevent.sleep(rng.uniform(0, 1 / TASKS_PER_SECOND))
    user.next_task_at = time.perf_counter()


def _take(kind: str) -> dict:
    slots = PLAN[kind]
    return slots[next(_SLOTS[kind]) % len(slots)]


class _Staff(FastHttpUser):
    abstract = True
    kind = ""

    def on_start(self):
        self.slot = _take(self.kind)
        self.rng = random.Random(self.slot["seed"])
        self.client.cookiejar.set_cookie(_cookie("sessionid", self.slot["session"]))
        page = self.client.get("/borgere/", name="(forberedelse)")
        self.csrf = _CSRF.search(page.text).group(1)
        _stagger(self, self.rng)

    def _post_form(self, path, data, name, expect=302):
        with self.client.post(path, data={"csrfmiddlewaretoken": self.csrf, **data}, name=name,
                              headers={"Referer": self.host + path}, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            return response


class Caseworker(_Staff):
    """A municipal caseworker: finds citizens, reads overviews and cases, works the queue,
    saves reviews."""

    weight = 11
    kind = "caseworker"
    wait_time = _wait()

    @task(3)
    def search_by_cpr(self):
        citizen = self.rng.choice(self.slot["citizens"])
        self._post_form("/borgere/", {"q": citizen["cpr"]}, "Søg borger (CPR)", expect=200)

    @task(1)
    def search_by_name(self):
        citizen = self.rng.choice(self.slot["citizens"])
        self._post_form("/borgere/", {"q": citizen["name"]}, "Søg borger (navn)", expect=200)

    @task(4)
    def overview(self):
        citizen = self.rng.choice(self.slot["citizens"])
        self.client.get(f"/borgere/{citizen['id']}/", name="Borgeroverblik")

    @task(2)
    def case_list(self):
        self.client.get("/sager/", name="Sagsliste")

    @task(3)
    def case(self):
        if not self.slot["cases"]:
            return
        self.client.get(f"/sager/{self.rng.choice(self.slot['cases'])}/", name="Sag")

    @task(2)
    def work_queue(self):
        self.client.get("/sager/opgaver/", name="Arbejdskø")

    @task(1)
    def save_review(self):
        if not self.slot["review_cases"]:
            return
        case_id = self.rng.choice(self.slot["review_cases"])
        page = self.client.get(f"/gennemgang/sager/{case_id}/", name="Gennemgangssag")
        version = _VERSION.search(page.text).group(1)
        self._post_form(f"/gennemgang/sager/{case_id}/gem/", {
            "gennemgang-version": version,
            "gennemgang-citizen_view": f"Borgeren fortæller om sin situation ({uuid.uuid4().hex[:8]}).",
        }, "Gem gennemgang")


class Borgerservice(_Staff):
    """A Borgerservice employee booking a time for a citizen on the phone."""

    weight = 3
    kind = "borgerservice"
    wait_time = _wait()

    @task(1)
    def overview(self):
        citizen = self.rng.choice(self.slot["citizens"])
        self.client.get(f"/borgere/{citizen['id']}/", name="Borgeroverblik")

    @task(1)
    def book(self):
        if not self.slot["point"]:
            return
        citizen = self.rng.choice(self.slot["citizens"])
        day = self.rng.choice(self.slot["days"])
        path = (f"/borgerservice/servicesteder/{self.slot['point']}/book/?ydelse={self.slot['service']}"
                f"&borger={citizen['id']}&fra={day}")
        page = self.client.get(path, name="Bookingside")
        slots = _SLOT.findall(page.text)
        if not slots:
            return
        self._post_form(path, {"idempotency_key": _IDEMPOTENCY.search(page.text).group(1),
                               "ydelse": self.slot["service"], "borger": citizen["id"],
                               "starts_at": self.rng.choice(slots)}, "Book tid")


class Baseline(_Staff):
    """The baseline, run on its own: the cheapest page a caseworker opens, the empty citizen
    search (session, user, layout and a form, no data), as fast as possible. No page of the
    system is served faster, so its throughput bounds what any mix of pages can reach on the
    same machine."""

    kind = "caseworker"
    wait_time = _wait()

    @task
    def empty_search(self):
        self.client.get("/borgere/", name="Grundlinje: tom søgeside")


class KvikClient(FastHttpUser):
    """A municipality's system on the Kvik-linje, asking for case status."""

    weight = 2
    wait_time = _wait()

    def on_start(self):
        self.slot = _take("kvik")
        self.rng = random.Random(self.slot["seed"])
        _stagger(self, self.rng)

    @task
    def lookup(self):
        self.client.post("/api/v1/fasttrack/cases/lookup", json={"cpr": self.rng.choice(self.slot["cprs"])},
                         headers={"Authorization": f"Bearer {self.slot['key']}"}, name="Kvik-linje: sagsstatus")


def _cookie(name, value):
    from http.cookiejar import Cookie

    return Cookie(version=0, name=name, value=value, port=None, port_specified=False, domain="127.0.0.1",
                  domain_specified=False, domain_initial_dot=False, path="/", path_specified=True, secure=False,
                  expires=None, discard=True, comment=None, comment_url=None, rest={})
