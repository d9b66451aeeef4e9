"""axe on the Borgerservice pages the menu crawl cannot reach, because they differ only in
their query string or appear after a form is posted: the slot list, the acute-request form,
the receipt, moving one's own time, and forms shown with errors. Same checks as
tests/e2e/test_accessibility.py (axe at 1280 and 320 px, one h1, lang, skip link, focus)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from helhed.borgerservice.models import Appointment, Mode, ServicePoint, Status
from helhed.demo.personas import DEMO_PASSWORD
from helhed.demo.services import build_demo_universe
from tests.e2e.conftest import Browser, report
from tests.e2e.test_accessibility import _log_in, _log_in_as_persona, _submit

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser():
    browser = Browser()
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback, settings, live_server, today):
    settings.DEMO_MODE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_demo_universe(citizens=50, seed=2017, today=today)
    return live_server.url


def _booking_urls(prefix: str) -> list[str]:
    urls = []
    for point in ServicePoint.objects.filter(municipality_id=461).prefetch_related("offers"):
        offer = point.offers.first()
        urls.append(f"{prefix}?sted={point.pk}&ydelse={offer.service_id}")
    return urls


def test_booking_steps_and_forms_with_errors_are_accessible(demo, browser):
    base, checks = demo, []
    driver = browser.driver

    # Without login: the slot list, the acute form, errors, the receipt and cancelling.
    browser.reset()
    for url in _booking_urls("/borgerservice/bestil-tid/"):
        driver.get(base + url)
        checks.append(browser.check_page("anonym", state=url.split("?")[1][:20]))
        _submit(browser, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        assert driver.find_elements(By.CSS_SELECTOR, "main .alert-error")
        checks.append(browser.check_page("anonym", state="tom formular"))
    open_point = ServicePoint.objects.filter(municipality_id=461, mode=Mode.OPEN).first()
    driver.get(base + f"/borgerservice/bestil-tid/?sted={open_point.pk}&ydelse={open_point.offers.first().service_id}")
    driver.find_element(By.ID, "id_contact_name").send_keys("Testa Fiktiv")
    driver.find_element(By.ID, "id_contact_phone").send_keys("20304050")
    driver.find_element(By.CSS_SELECTOR, "input[name=starts_at]").click()
    _submit(browser, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert driver.find_elements(By.CSS_SELECTOR, ".bs-reference"), "no reference on the receipt"
    checks.append(browser.check_page("anonym", state="kvittering"))
    driver.get(base + "/borgerservice/afbestil/")
    driver.find_element(By.ID, "id_reference").send_keys("AAAA-BBBB-CCCC")
    _submit(browser, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    checks.append(browser.check_page("anonym", state="forkert reference"))

    # Staff: forms posted with errors, a day with appointments, phone booking with slots.
    browser.reset()
    _log_in(browser, base, "borgerservice.odense", DEMO_PASSWORD)
    point = ServicePoint.objects.get(name="Borgerservice Odense, Ørbækvej")
    driver.get(base + f"/borgerservice/servicesteder/{point.pk}/")
    driver.find_element(By.ID, "id_mode-tilstand").send_keys("Lukket")
    _submit(browser, driver.find_element(By.XPATH, "//button[normalize-space()='Skift tilstand']"))
    assert driver.find_elements(By.CSS_SELECTOR, "main .alert-error"), "a closure without reason was accepted"
    checks.append(browser.check_page("borgerservice.odense", state="tilstand uden begrundelse"))
    driver.get(base + f"/borgerservice/servicesteder/{point.pk}/book/?ydelse={point.offers.first().service_id}")
    checks.append(browser.check_page("borgerservice.odense", state="telefonbooking"))
    for back in range(1, 8):
        day = timezone.localdate() - datetime.timedelta(days=back)
        if Appointment.objects.filter(service_point=point, starts_at__date=day).exists():
            break
    driver.get(base + f"/borgerservice/servicesteder/{point.pk}/dagsplan/?dato={day.isoformat()}")
    checks.append(browser.check_page("borgerservice.odense", state="tidligere dag"))
    helped = Appointment.objects.filter(status=Status.CHECKED_IN, citizen__isnull=False).first()
    driver.get(base + f"/borgerservice/aftaler/{helped.pk}/")
    _submit(browser, driver.find_element(By.XPATH, "//button[normalize-space()='Registrér hjælpen']"))
    checks.append(browser.check_page("borgerservice.odense", state="hjælp sendt igen"))

    # Amira: the slot list and moving her own time.
    browser.reset()
    _log_in_as_persona(browser, base, "Amira Hassan")
    for url in _booking_urls("/borgerservice/mine-tider/bestil/"):
        driver.get(base + url)
        checks.append(browser.check_page("persona.amira", state="bestil"))
    own = Appointment.objects.filter(citizen__first_name="Amira", status=Status.BOOKED).first()
    driver.get(base + f"/borgerservice/mine-tider/{own.pk}/")
    checks.append(browser.check_page("persona.amira", state="flyt"))

    problems = [c for c in checks if c.problems()]
    if problems:
        pytest.fail(report(problems, f"{len(problems)} of {len(checks)} Borgerservice pages have problems:"),
                    pytrace=False)
