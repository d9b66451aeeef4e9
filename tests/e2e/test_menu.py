"""The main menu on a phone and on a desktop, in a real browser: at 320 CSS pixels it is one
"Menu" that is closed until opened; it opens from the keyboard with the project's scripts
blocked (the <details> element does the work); from 768 px the task groups stand in a row and
each opens the same way. With the scripts, Escape closes an open group. And a table page with
screen-reader-only text in its buttons does not scroll sideways on a phone."""

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from helhed.casework import services
from helhed.casework.models import TaskKind
from helhed.core.roles import Role
from tests.e2e.conftest import NARROW
from tests.e2e.test_accessibility import _log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

PASSWORD = "korrekt-hest-batteri"
WIDE_GROUP = "details.helhed-submenu"
NARROW_MENU = "details.helhed-menu-narrow"


@pytest.fixture
def site(transactional_db, django_db_serialized_rollback, live_server, settings):
    """A caseworker in Aarhus on the live server (serialized rollback keeps the municipalities
    that a data migration loads)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    UserFactory(username="lene", role=Role.CASEWORKER, municipalities=[751], first_name="Lene", last_name="Skov")
    return live_server.url


def _tab_to(browser, selector: str, limit: int = 40):
    """Press Tab from the top of the page until ``selector`` has the focus; return it."""
    driver = browser.driver
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
    target = driver.find_element(By.CSS_SELECTOR, selector)
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.switch_to.active_element == target:
            return target
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def _open_by_keyboard(browser, details_selector: str) -> None:
    summary = _tab_to(browser, f"{details_selector} > summary")
    assert browser.driver.find_element(By.CSS_SELECTOR, details_selector).get_attribute("open") is None
    summary.send_keys(Keys.ENTER)
    assert browser.driver.find_element(By.CSS_SELECTOR, details_selector).get_attribute("open") is not None


def _shown_links(browser, within: str) -> list[str]:
    return [a.text for a in browser.driver.find_elements(By.CSS_SELECTOR, f"{within} a") if a.is_displayed()]


def test_on_a_phone_the_menu_is_closed_and_opens_by_keyboard_without_scripts(site, browser):
    driver = browser.driver
    browser.reset()
    _log_in(browser, site, "lene", PASSWORD)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*.js"]})
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", NARROW)
    try:
        driver.get(f"{site}/sager/opgaver/")
        assert not driver.execute_script("return typeof htmx !== 'undefined'"), "the scripts were not blocked"
        assert not any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, ".helhed-menu-wide"))
        assert _shown_links(browser, NARROW_MENU) == []  # closed: the page starts with its content
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 320
        _open_by_keyboard(browser, NARROW_MENU)
        shown = _shown_links(browser, NARROW_MENU)
        assert {"Arbejdskø", "Find borger", "Udskriftskø"} <= set(shown)
        # The next Tab goes into the open menu, to its first link.
        ActionChains(driver).send_keys(Keys.TAB).perform()
        assert driver.switch_to.active_element.text == shown[0]
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 320
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


def test_on_a_desktop_the_task_groups_open_by_keyboard_and_escape_closes_them(site, browser):
    driver = browser.driver
    browser.reset()
    _log_in(browser, site, "lene", PASSWORD)
    driver.get(f"{site}/sager/opgaver/")
    assert not driver.find_element(By.CSS_SELECTOR, NARROW_MENU).is_displayed()
    groups = driver.find_elements(By.CSS_SELECTOR, f"{WIDE_GROUP} > summary")
    assert [g.text for g in groups if g.is_displayed()][:2] == ["Sager", "Programmer og puljer"]
    assert "Arbejdskø" not in _shown_links(browser, ".helhed-menu-wide")
    sager = f"{WIDE_GROUP}:has(> summary.helhed-menu-current)"
    _open_by_keyboard(browser, sager)
    assert "Arbejdskø" in _shown_links(browser, ".helhed-menu-wide")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()  # static/js/menu.js
    assert driver.find_element(By.CSS_SELECTOR, sager).get_attribute("open") is None
    assert driver.switch_to.active_element.text == "Sager"


def test_the_work_queue_does_not_scroll_sideways_on_a_phone(site, browser):
    """The table's buttons carry screen-reader-only text (the task's title), positioned
    absolutely by DKFDS: it must stay inside the table's own scrolling region (WCAG 1.4.10)."""
    for n in range(3):
        services.create_task(kind=TaskKind.EXPLAIN_LETTER, municipality_id=751,
                             title=f"Forklar brevet »Vi har fået din ansøgning om boligstøtte« nummer {n}")
    browser.reset()
    _log_in(browser, site, "lene", PASSWORD)
    browser.driver.get(f"{site}/sager/opgaver/")
    assert browser.driver.find_elements(By.CSS_SELECTOR, ".table--responsive-scroll button .sr-only")
    _violations, reflow = browser.narrow_problems(axe=False)
    assert reflow == []
