"""Every page of the demo, as every demo identity sees it, checked in a real browser.

For each identity (anonymous, each demo staff user, each persona citizen) the test logs in
the way a person would (the login form, the persona picker's button), then follows every
same-origin link breadth-first and checks each page:

- axe-core finds no WCAG 2.0/2.1 A and AA or best-practice violations, at 1280 and at
  320 CSS pixels;
- ``<html lang="da">``, exactly one ``<h1>``, and no date formatted in English;
- the first Tab from the top focuses the skip link, which moves focus into ``<main>``;
  everything reachable by keyboard shows a focus indicator;
- nothing makes the page scroll sideways at 320 CSS pixels (reflow).

The crawl has no page limit: every page every identity can reach is visited. The Aarhus
caseworker alone reaches 533 pages, most of them the same 38 route patterns filled with other
data (50 citizens' overviews and case pages, their letters). A full check costs about 0.8 s a
page (47 s for the 60 pages the crawl used to stop at), which would be over 7 minutes for that
identity alone, so the checks are split by what they can find (measured: 209 s for the 533
pages, 61 of them in full):

- the full checks above run on the first ``FULL_CHECKS_PER_ROUTE`` pages of every route
  pattern (the pattern Django's ``resolve()`` finds for the path, e.g.
  ``borgere/<uuid:pk>/``), per identity: the markup of one kind of page comes from one
  template, so axe and the keyboard walk find the same things on the fourth citizen's
  overview as on the first three;
- the cheap checks, which depend on the data a page shows (its text facts: language, one
  ``<h1>``, dates and amounts written the Danish way; no sideways scrolling at 320 px, which
  a long name or amount can cause), run on every page.

On the citizen search the staff also search (hits, no hits, an invalid CPR number, nothing)
and the citizen overviews the results link to are checked too. The bar is zero problems.

Django's admin, where administrators work, must pass the same bar:
tests/e2e/test_admin_accessibility.py.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import Resolver404, resolve
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from helhed.core.roles import CITIZEN_SERVING_ROLES, Role
from helhed.demo.personas import DEMO_PASSWORD, PERSONAS, STAFF
from helhed.demo.services import build_demo_universe
from tests.e2e.conftest import Browser, PageCheck, report

pytestmark = pytest.mark.e2e

ANONYMOUS = "anonym"
SKIP_PREFIXES = ("/log-ud/", "/api/", "/static/", "/admin/")
#: How many pages of one route pattern (``/borgere/<uuid:pk>/``) each identity checks in full.
FULL_CHECKS_PER_ROUTE = 3
OVERVIEW = re.compile(r"^/borgere/[0-9a-f-]{36}/$")
INVALID_CPR = "320199-1234"
NO_HITS = "Ingenfindes Fiktivsen"

STAFF_BY_NAME = {s.username: s for s in STAFF}
PERSONA_BY_LOGIN = {f"persona.{p.key}": p for p in PERSONAS}
IDENTITIES = [ANONYMOUS, *STAFF_BY_NAME, *PERSONA_BY_LOGIN]


#: The built demo universe, copied aside once per run (see ``demo``), by test day.
_BUILT: dict = {}


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback, settings, live_server, today):
    """The demo universe in the test database, served by the live server in demo mode.

    The first test builds it (about 15 s) and copies the whole database aside with SQLite's
    backup API; every later test starts from that copy, written back in a fraction of a
    second, so each still begins with the universe as built, whatever the test before it
    changed. The browser tests run on SQLite's in-memory test database, which the live
    server shares; on another engine each test builds its own.

    Serialized rollback brings back the municipalities (loaded by a data migration) that the
    flush after each transactional test removes. A fast hasher keeps the nine staff logins
    from dominating the run time; the login form works the same way with it."""
    settings.DEMO_MODE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    connection.ensure_connection()
    if connection.vendor != "sqlite":
        build_demo_universe(citizens=50, seed=2017, today=today)
    elif today in _BUILT:
        _BUILT[today].backup(connection.connection)
    else:
        build_demo_universe(citizens=50, seed=2017, today=today)
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        _BUILT[today] = copy
    return live_server.url


def _submit(browser: Browser, form_button) -> None:
    """Click a submit button and wait until the next page has replaced this one and loaded."""
    driver = browser.driver
    driver.execute_script("window.helhedPreviousPage = true;")
    form_button.click()
    WebDriverWait(driver, 15, poll_frequency=0.05, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return !window.helhedPreviousPage && document.readyState === 'complete';"
        )
    )


def _log_in(browser: Browser, base: str, username: str, password: str) -> None:
    driver = browser.driver
    driver.get(f"{base}/log-ind/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(password)
    _submit(browser, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def _log_in_as_persona(browser: Browser, base: str, full_name: str) -> None:
    driver = browser.driver
    driver.get(f"{base}/demo/")
    button = driver.find_element(
        By.XPATH, f"//li[.//h3[normalize-space()='{full_name}']]//button[@type='submit']"
    )
    _submit(browser, button)


def _route(path: str) -> str:
    """The URL pattern a path is served by, e.g. ``borgere/<uuid:pk>/`` for every citizen's
    overview; a path no pattern serves (a 404 page) is its own kind."""
    try:
        return resolve(path).route
    except Resolver404:
        return path


def _check(browser: Browser, identity: str, checks: list[PageCheck], full_checks: Counter) -> None:
    """Check the page in the browser: in full for the first pages of its route pattern, the
    cheap checks (text facts, reflow at 320 px) for every page after them."""
    route = _route(browser.path)
    full_checks[route] += 1
    checks.append(browser.check_page(identity, full=full_checks[route] <= FULL_CHECKS_PER_ROUTE))


def _crawl(browser: Browser, base: str, identity: str, starts: list[str],
           checks: list[PageCheck], seen: set[str], full_checks: Counter, *,
           from_here: bool = False) -> None:
    """Breadth-first over every same-origin link, one check per distinct path, without a
    limit. With ``from_here`` the page already in the browser (just reached by logging in)
    comes first."""
    origin = urlsplit(base).netloc
    queue: deque[str | None] = deque([None] if from_here else [])
    queue.extend(starts)
    while queue:
        path = queue.popleft()
        if path is not None:
            if path in seen:
                continue
            seen.add(path)
            browser.driver.get(base + path)
        landed = browser.path
        if landed != path:  # the page in the browser, or a redirect (/ to the start page)
            if landed in seen:
                continue
            seen.add(landed)
        links = browser.links()
        _check(browser, identity, checks, full_checks)
        for href in links:
            url = urlsplit(href)
            if url.scheme in ("http", "https") and url.netloc == origin \
                    and not url.path.startswith(SKIP_PREFIXES) and url.path not in seen:
                queue.append(url.path)


def _search(browser: Browser, base: str, identity: str, query: str) -> tuple[PageCheck, list[str]]:
    """Submit the citizen search; returns the check of the result page and the paths of the
    citizens it links to."""
    driver = browser.driver
    if browser.path != "/borgere/":
        driver.get(f"{base}/borgere/")
    field = driver.find_element(By.ID, "id_q")
    field.clear()
    field.send_keys(query)
    _submit(browser, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    hits = [urlsplit(href).path for href in driver.execute_script(
        "return Array.from(document.querySelectorAll('main table a[href]'), a => a.href);")]
    errors = driver.find_elements(By.CSS_SELECTOR, "#id_q[aria-invalid=true]")
    if query in (INVALID_CPR, ""):
        assert errors, f"{identity}: searching for {query!r} did not show the field's error state"
    elif query == NO_HITS:
        assert not hits and not errors, f"{identity}: {query!r} should find nobody, without an error"
    else:
        assert hits, f"{identity} found nobody when searching for {query!r}"
    label = f"søgning efter {query!r}" if query else "tom søgning"
    return browser.check_page(identity, state=label), hits


def _queries_for(username: str) -> list[str]:
    """What a staff user searches for: the last names of the personas in their municipalities
    (Udbetaling Danmark, which sees everyone, looks up by full name the personas no municipal
    demo user can see), then an invalid CPR number. The states that look the same for everyone
    (no hits, nothing typed) are checked once, by the Aarhus caseworker."""
    staff = STAFF_BY_NAME[username]
    if staff.role == Role.UDK_STAFF:
        municipal = {m for s in STAFF for m in s.municipalities}
        names = [f"{p.first_name} {p.last_name}" for p in PERSONAS if p.municipality not in municipal]
    else:
        names = [p.last_name for p in PERSONAS if p.municipality in staff.municipalities]
    once = [NO_HITS, ""] if username == "sagsbehandler.aarhus" else []
    return [*names, INVALID_CPR, *once]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_demo_page_is_accessible(identity, demo, browser):
    base = demo
    browser.reset()
    checks: list[PageCheck] = []
    seen: set[str] = set()
    full_checks: Counter = Counter()

    if identity == ANONYMOUS:
        expected = {"/", "/tilgaengelighed/", "/borgerservice/bestil-tid/", "/log-ind/", "/demo/"}
        _crawl(browser, base, identity, ["/", "/log-ind/", "/demo/"], checks, seen, full_checks)
        _log_in(browser, base, "sagsbehandler.aarhus", "forkert adgangskode")
        assert browser.driver.find_elements(By.CSS_SELECTOR, "main .alert-error"), \
            "a wrong password did not show the login error"
        checks.append(browser.check_page(identity, state="forkert adgangskode"))
        browser.driver.get(f"{base}/borgere/findes-ikke/")
        checks.append(browser.check_page(identity, state="side der ikke findes"))
        # A form sent without its CSRF cookie (the page was open too long, cookies are off).
        browser.driver.get(f"{base}/log-ind/")
        browser.driver.find_element(By.ID, "id_username").send_keys("sagsbehandler.aarhus")
        browser.driver.find_element(By.ID, "id_password").send_keys(DEMO_PASSWORD)
        browser.driver.delete_cookie("csrftoken")
        _submit(browser, browser.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        assert "Formularen kunne ikke sendes" in browser.driver.find_element(By.TAG_NAME, "h1").text
        checks.append(browser.check_page(identity, state="CSRF-fejl"))
    elif identity in STAFF_BY_NAME:
        _log_in(browser, base, identity, DEMO_PASSWORD)
        assert browser.path != "/log-ind/", f"{identity} could not log in through /log-ind/"
        _crawl(browser, base, identity, [], checks, seen, full_checks, from_here=True)
        if STAFF_BY_NAME[identity].role in CITIZEN_SERVING_ROLES:
            expected = {"/borgere/", "/borgere/<uuid>/"}
            for query in _queries_for(identity):
                check, hits = _search(browser, base, identity, query)
                checks.append(check)
                _crawl(browser, base, identity, hits, checks, seen, full_checks)
        else:
            expected = {"/"}
            # A role without access to citizens gets the error page, which must be accessible too.
            browser.driver.get(f"{base}/borgere/")
            checks.append(browser.check_page(identity, state="adgang nægtet"))
    else:
        expected = {"/mit/", "/mit/log/"}
        persona = PERSONA_BY_LOGIN[identity]
        _log_in_as_persona(browser, base, f"{persona.first_name} {persona.last_name}")
        assert browser.path == "/mit/", f"the persona button for {identity} led to {browser.path}"
        _crawl(browser, base, identity, [], checks, seen, full_checks, from_here=True)

    visited = {OVERVIEW.sub("/borgere/<uuid>/", c.path) for c in checks}
    assert expected <= visited, f"{identity}: the crawl missed {expected - visited}; visited {visited}"
    problems = [c for c in checks if c.problems()]
    if problems:
        in_full = sum(min(n, FULL_CHECKS_PER_ROUTE) for n in full_checks.values())
        pytest.fail(report(problems, f"{len(problems)} of {len(checks)} pages seen by {identity} "
                                     f"({in_full} of {len(full_checks)} route patterns' pages "
                                     "checked in full) have accessibility problems:"), pytrace=False)

