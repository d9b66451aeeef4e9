"""The citizen's way in, in a real browser: the front page at /, the accessibility statement,
booking a Borgerservice time without login through a refused form (the error summary takes
the focus, and its link leads to the field), the receipt, and "Find din tid" with a wrong
and a right combination. Each page is checked with axe, one <h1>, Danish and keyboard reach,
as the crawl checks every other page."""

import re

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.conftest import report
from tests.e2e.test_accessibility import _submit, demo  # noqa: F401  (the fixture)

pytestmark = pytest.mark.e2e


def _focused(browser) -> dict:
    return browser.driver.execute_script(
        "const el = document.activeElement;"
        "return {module: el.getAttribute('data-module'), id: el.id, name: el.getAttribute('name')};")


def test_the_front_door_booking_receipt_and_find_your_time(demo, browser):  # noqa: F811
    base = demo
    driver = browser.driver
    browser.reset()
    checks = []

    driver.get(f"{base}/")
    assert browser.path == "/", "an anonymous visitor to / was sent elsewhere"
    links = {a.text: a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main a")}
    for text in ("Bestil en tid i Borgerservice", "Aflys en tid", "Find din tid", "Bed om en akut tid",
                 "Log ind på Mit helhed", "Prøv demoen", "Tilgængelighedserklæring", "Log ind som medarbejder"):
        assert text in links, f"the front page has no link {text!r}"
    checks.append(browser.check_page("anonym", state="forside"))

    driver.get(f"{base}/tilgaengelighed/")
    assert "Digitaliseringsstyrelsen" in driver.find_element(By.TAG_NAME, "main").text
    checks.append(browser.check_page("anonym", state="tilgængelighedserklæring"))

    driver.get(f"{base}/borgerservice/bestil-tid/")
    book = next(a for a in driver.find_elements(By.CSS_SELECTOR, "main section li a"))
    book_url = book.get_attribute("href")
    driver.get(book_url)
    if not driver.find_elements(By.NAME, "starts_at"):
        pytest.fail("the demo's first service point offers no free time to book", pytrace=False)
    _submit(browser, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    summary = driver.find_element(By.CSS_SELECTOR, "main [data-module=error-summary]")
    assert summary.find_element(By.TAG_NAME, "h2").text.startswith("Der er 3 fejl"), summary.text
    assert _focused(browser)["module"] == "error-summary", "the error summary did not take the focus"
    checks.append(browser.check_page("anonym", state="bestilling uden svar"))
    driver.get(book_url)
    _submit(browser, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    summary = driver.find_element(By.CSS_SELECTOR, "main [data-module=error-summary]")
    summary.find_element(By.CSS_SELECTOR, "a[href='#id_contact_phone']").click()
    assert _focused(browser)["id"] == "id_contact_phone", "the summary's link did not focus its field"
    summary.find_element(By.CSS_SELECTOR, "a[href='#id_starts_at']").click()
    assert _focused(browser)["name"] == "starts_at", "the summary's link did not focus the first free time"

    driver.find_element(By.ID, "id_contact_name").send_keys("Lars Fiktivsen")
    driver.find_element(By.ID, "id_contact_phone").send_keys("20 30 40 50")
    driver.find_element(By.CSS_SELECTOR, "input[name=starts_at]").click()
    _submit(browser, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert browser.path == "/borgerservice/bestil-tid/kvittering/"
    receipt = driver.find_element(By.TAG_NAME, "main").text
    assert re.search(r"Kl\. \d\d\.\d\d", receipt) and "Det skal du have med" in receipt, receipt
    reference = driver.find_element(By.CSS_SELECTOR, ".bs-reference").text
    checks.append(browser.check_page("anonym", state="kvittering"))
    driver.refresh()
    assert reference in driver.find_element(By.TAG_NAME, "main").text, "a reload lost the receipt"

    browser.reset()
    driver.get(f"{base}/borgerservice/find-din-tid/")
    checks.append(browser.check_page("anonym", state="find din tid"))
    driver.find_element(By.ID, "id_reference").send_keys(reference)
    driver.find_element(By.ID, "id_contact_phone").send_keys("99 99 99 99")
    _submit(browser, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert "Vi kan ikke finde en tid" in driver.find_element(By.TAG_NAME, "main").text
    checks.append(browser.check_page("anonym", state="find din tid, forkert telefonnummer"))
    driver.find_element(By.ID, "id_contact_phone").clear()
    driver.find_element(By.ID, "id_contact_phone").send_keys("20304050")
    _submit(browser, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert browser.path == "/borgerservice/bestil-tid/kvittering/" and reference in driver.page_source

    problems = [c for c in checks if c.problems()]
    if problems:
        pytest.fail(report(problems, f"{len(problems)} of {len(checks)} pages of the front door have "
                                     "accessibility problems:"), pytrace=False)
