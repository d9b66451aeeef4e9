"""Django's admin, as the demo's administrator uses it, checked in a real browser.

Administrators manage users, roles, municipalities, service points and API keys in Django's
admin. Its pages must pass the same bar as helhed's own: axe-core finds no WCAG 2.0/2.1 A
and AA or best-practice violations at 1280 and at 320 CSS pixels, ``<html lang="da">``,
exactly one ``<h1>``, and nothing scrolls sideways at 320 CSS pixels. The page-text rules
hold too, except that stored records show their ISO dates as stored.

Django's admin login form is checked first. The crawl then starts at ``/admin/`` and
follows every admin link breadth-first: each app's index, each model's list, its add form,
and the change form and history of one object per model (a list's filters and sorting only
change the query string and are not visited again).
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest

from helhed.demo.personas import DEMO_PASSWORD
from tests.e2e.conftest import PageCheck, report
from tests.e2e.test_accessibility import _log_in, demo  # noqa: F401 (the fixture)

pytestmark = pytest.mark.e2e

# Logging out ends the crawl; delete confirmations are pages of a destructive action.
SKIP = re.compile(r"^/admin/(logout/|.*/delete/$)")
# One object per model: /admin/<app>/<model>/<pk>/<change|history>/.
OBJECT = re.compile(r"^(/admin/[^/]+/[^/]+/)[^/]+/(change|history)/$")
# Every page a model has, as the crawl must find it for a registered, browsable model.
EXPECTED = {"/admin/", "/admin/core/user/", "/admin/core/user/add/", "/admin/core/municipality/",
            "/admin/core/municipality/<pk>/change/", "/admin/core/auditrecord/"}


def _kind(path: str) -> str:
    """The page's kind: an object's change or history page stands for all of its model's."""
    match = OBJECT.match(path)
    return f"{match[1]}<pk>/{match[2]}/" if match else path


def test_django_admin_pages_accessibility(demo, browser):  # noqa: F811 (the fixture)
    """Every admin page the administrator reaches by following links passes axe."""
    base = demo
    browser.reset()
    browser.driver.get(f"{base}/admin/login/")  # Django's own login form, as anyone reaches it
    checks = [browser.check_page("anonym", keyboard=False)]
    _log_in(browser, base, "admin", DEMO_PASSWORD)
    origin = urlsplit(base).netloc
    queue, seen = deque(["/admin/"]), set()
    while queue:
        path = queue.popleft()
        if _kind(path) in seen:
            continue
        seen.add(_kind(path))
        browser.driver.get(base + path)
        assert browser.path == path, f"the admin user could not open {path} (landed on {browser.path})"
        links = browser.links()
        check = browser.check_page("admin", keyboard=False)
        # Records are shown as stored (a payout's evidence as JSON, django-axes' logs), with
        # their ISO dates; the other page-text rules hold here too.
        check.text = [problem for problem in check.text if not problem.startswith("ISO date")]
        checks.append(check)
        for href in links:
            url = urlsplit(href)
            if url.netloc == origin and url.path.startswith("/admin/") and not SKIP.match(url.path) \
                    and _kind(url.path) not in seen:
                queue.append(url.path)
    assert seen >= EXPECTED, f"the crawl missed {EXPECTED - seen}; visited {sorted(seen)}"
    problems: list[PageCheck] = [c for c in checks if c.problems()]
    count = sum(len(c.problems()) for c in problems)
    if problems:
        pytest.fail(report(problems, f"{count} problems on {len(problems)} of {len(checks)} admin pages:"),
                    pytrace=False)
