"""Pages the crawl cannot reach by links alone: the web Kvik-linje's citizen page (reached by
a CPR look-up posted from a form) for a user organisation's worker and a municipal
caseworker, the look-up's error state, Udbetaling Danmark's guidance form with its error
state and the guidance list, and the citizen's consent page. Each is checked with axe, one
<h1>, Danish language and keyboard reach, as the crawl checks every other page."""

import pytest
from selenium.webdriver.common.by import By

from helhed.demo.personas import DEMO_PASSWORD
from helhed.registry.models import Citizen
from tests.e2e.conftest import report
from tests.e2e.test_accessibility import _log_in, _log_in_as_persona, _submit, demo  # noqa: F401  (the fixture)

pytestmark = pytest.mark.e2e


def _fresh(browser, base):
    """Log out by dropping the site's cookies (on the site's own origin, where they live)."""
    browser.driver.get(f"{base}/demo/")
    browser.driver.delete_all_cookies()


def _look_up(browser, base, cpr):
    driver = browser.driver
    driver.get(f"{base}/kvik-linje/")
    field = driver.find_element(By.ID, "id_cpr")
    field.clear()
    field.send_keys(cpr)
    _submit(browser, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def test_the_web_kvik_linje_guidance_and_consent_pages_are_accessible(demo, browser):  # noqa: F811
    base = demo
    checks = []
    jan = Citizen.objects.get(first_name="Jan", last_name="Olsen")
    karen = Citizen.objects.get(first_name="Karen", last_name="Holm")
    erik = Citizen.objects.get(first_name="Erik", last_name="Sørensen")

    for username, citizen in (("husforbi", jan), ("sagsbehandler.aarhus", karen)):
        _fresh(browser, base)
        _log_in(browser, base, username, DEMO_PASSWORD)
        _look_up(browser, base, citizen.cpr)
        assert browser.path == f"/kvik-linje/opslag/{citizen.pk}/", f"{username} did not reach the citizen page"
        checks.append(browser.check_page(username, state="borger slået op"))
        _submit(browser, browser.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        # After a refused post to a long page Chromium keeps the scroll position, so the first
        # Tab lands in the form, not on the skip link: the error states are checked with axe
        # and the page rules, not the Tab order (docs/fasttrack.md, gaps).
        checks.append(browser.check_page(username, state="spørgsmål uden emne", keyboard=False))
        _look_up(browser, base, "320199-1234")
        assert browser.driver.find_elements(By.CSS_SELECTOR, "#id_cpr[aria-invalid=true]")
        checks.append(browser.check_page(username, state="ugyldigt CPR-nummer"))

    _fresh(browser, base)
    _log_in(browser, base, "udk", DEMO_PASSWORD)
    browser.driver.get(f"{base}/ansoegninger/borgere/{erik.pk}/vejledning/ny/")
    checks.append(browser.check_page("udk", state="ny vejledning"))
    _submit(browser, browser.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    checks.append(browser.check_page("udk", state="vejledning uden emne", keyboard=False))
    browser.driver.get(f"{base}/ansoegninger/borgere/{erik.pk}/vejledning/")
    checks.append(browser.check_page("udk", state="vejledningsliste"))

    _fresh(browser, base)
    _log_in_as_persona(browser, base, "Karen Holm")
    browser.driver.get(f"{base}/kvik-linje/mine-samtykker/")
    checks.append(browser.check_page("persona.karen", state="samtykker"))

    problems = [c for c in checks if c.problems()]
    assert not problems, report(problems, f"{len(problems)} of {len(checks)} pages have accessibility problems:")
