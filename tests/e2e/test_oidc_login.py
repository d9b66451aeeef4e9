"""Logging in as Danes do, in a real browser against a real OpenID provider: panva's certified
oidc-provider (tests/oidc/provider.mjs) on loopback, started once for this module, with test
accounts carrying CPR numbers, assurance levels and groups. Nothing of the protocol is mocked:
the bad ID tokens are made by the provider itself (see provider.mjs).

Flows: a citizen at a high enough and at a too low assurance level, an unknown CPR number, a
tampered, a replayed (old nonce) and an expired ID token, a representative
choosing whom to act for, staff with and without a mapped group, and logout from both helhed
and the provider. Each new page is checked with axe, as every page behind login is."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from helhed.core.models import AuditRecord, StaffGroupRole, User
from helhed.core.roles import Role
from helhed.registry import services as registry
from tests.e2e.conftest import report
from tests.factories import fictional_cpr, make_citizen
from tests.oidc import _clock, citizen_claims, running_provider, use_provider  # noqa: F401  (the fixture)

pytestmark = pytest.mark.e2e


@pytest.fixture
def universe(transactional_db, django_db_serialized_rollback, live_server, settings, tmp_path):
    """Citizens, a power of attorney and a group mapping in the database, the provider running
    with accounts for them, and helhed configured to use it."""
    karen = make_citizen(first_name="Karen", last_name="Holm")
    ole = make_citizen(first_name="Ole", last_name="Dahl", birth_date=datetime.date(1950, 6, 2), sex="M")
    registry.grant_representation(citizen=ole, representative=karen, kind="fuldmagt", scope="full",
                                  valid_from=timezone.localdate() - datetime.timedelta(days=30))
    mapping = StaffGroupRole.objects.create(group="helhed-sagsbehandlere-aarhus", role=Role.CASEWORKER,
                                            organisation="Aarhus Kommune")
    mapping.municipalities.set([751])
    karen_claims = citizen_claims(karen.cpr, "Karen Holm")
    accounts = [
        {"id": "karen", "claims": karen_claims},
        {"id": "karen-lav", "claims": citizen_claims(karen.cpr, "Karen Holm", loa="Low")},
        {"id": "ukendt", "claims": citizen_claims(fictional_cpr(datetime.date(1991, 1, 9), "M"), "Ukendt Borger")},
        {"id": "manipuleret", "claims": karen_claims, "idToken": "tampered"},
        {"id": "genbrugt", "claims": karen_claims, "idToken": "replayed"},
        {"id": "udloebet", "claims": karen_claims, "idToken": "expired"},
        {"id": "sagsbehandler", "claims": {"given_name": "Sara", "family_name": "Berg", "email": "sb@aarhus.dk",
                                           "groups": ["alle-ansatte", "helhed-sagsbehandlere-aarhus"]}},
        {"id": "kantine", "claims": {"given_name": "Kim", "family_name": "Lund", "groups": ["alle-ansatte"]}},
    ]
    with running_provider(tmp_path, live_server.url, accounts) as issuer:
        use_provider(settings, issuer)
        yield {"base": live_server.url, "karen": karen, "ole": ole}


def _wait_for(driver, predicate, what: str):
    WebDriverWait(driver, 15, poll_frequency=0.05).until(lambda d: predicate(d), message=what)


def _provider_login(browser, base: str, button: str, account: str) -> None:
    """From helhed's login page through the provider's login page and back to helhed."""
    driver = browser.driver
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.get(f"{base}/log-ind/")
    driver.find_element(By.LINK_TEXT, button).click()
    _wait_for(driver, lambda d: d.find_elements(By.NAME, "login"), "the provider's login page")
    driver.find_element(By.NAME, "login").send_keys(account)
    driver.find_element(By.NAME, "password").send_keys("test")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    _wait_for(driver, lambda d: d.current_url.startswith(base) and d.execute_script(
        "return document.readyState === 'complete'"), "back at helhed")


def _h1(browser) -> str:
    return browser.driver.find_element(By.TAG_NAME, "h1").text


def test_logging_in_with_mitid_and_the_organisations_login(universe, browser):
    base, karen, ole = universe["base"], universe["karen"], universe["ole"]
    driver = browser.driver
    checks = []

    driver.get(f"{base}/log-ind/")
    assert driver.find_elements(By.LINK_TEXT, "Log ind med MitID"), "no MitID button on the login page"
    checks.append(browser.check_page("anonym", state="login med MitID og organisationens login"))

    # A representative logs in as herself, and chooses whom she acts for.
    _provider_login(browser, base, "Log ind med MitID", "karen")
    assert browser.path == "/ansoegninger/handl-for/" and _h1(browser) == "Hvem vil du handle for?"
    karen.refresh_from_db()
    assert karen.user is not None and karen.user.role == Role.CITIZEN
    checks.append(browser.check_page("borger", state="vælg hvem du handler for"))
    driver.find_element(By.XPATH, "//main//button[normalize-space()='Ole Dahl']").click()
    _wait_for(driver, lambda d: d.current_url.endswith(f"/jeg-hjaelper/{ole.pk}/"), "the represented citizen")
    assert AuditRecord.objects.filter(citizen_uuid=ole.pk, what__contains="Valgt at handle for").exists()

    # Logout ends both sessions: helhed's, and the provider's (its end-session page, then back).
    driver.find_element(By.CSS_SELECTOR, "form.helhed-logout button").click()
    _wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "button[value=yes]"), "the provider's logout")
    driver.find_element(By.CSS_SELECTOR, "button[value=yes]").click()
    _wait_for(driver, lambda d: d.current_url.startswith(f"{base}/log-ind/"), "back at helhed's login page")
    driver.get(f"{base}/mit/")
    assert browser.path == "/log-ind/", "helhed's session outlived the logout"
    driver.find_element(By.LINK_TEXT, "Log ind med MitID").click()
    _wait_for(driver, lambda d: d.find_elements(By.NAME, "login"), "the provider asks for a login again")

    # Refusals, each a Danish page, and no session.
    refusals = {
        "karen-lav": "Dit login er ikke sikkert nok",
        "ukendt": "Vi kan ikke finde dig i helhed",
        "manipuleret": "Du blev ikke logget ind",
        "genbrugt": "Du blev ikke logget ind",
        "udloebet": "Du blev ikke logget ind",
    }
    for account, heading in refusals.items():
        _provider_login(browser, base, "Log ind med MitID", account)
        assert _h1(browser) == heading, f"{account}: {_h1(browser)}"
        assert not driver.find_elements(By.CSS_SELECTOR, "form.helhed-logout"), f"{account} got a session"
        if account in ("karen-lav", "ukendt"):
            checks.append(browser.check_page("anonym", state=f"afvist: {heading}"))
            assert driver.find_elements(By.LINK_TEXT, "Log ud af login-tjenesten"), f"{account}: no way out"
    assert User.objects.filter(role=Role.CITIZEN).count() == 1, "a login created a citizen"

    staff_citizen_count = User.objects.count()

    # Staff: a mapped group gives the role and municipalities; no mapped group gives nothing.
    _provider_login(browser, base, "Log ind med din organisations login", "sagsbehandler")
    sara = User.objects.get(first_name="Sara")
    assert sara.role == Role.CASEWORKER and list(sara.municipalities.values_list("code", flat=True)) == [751]
    assert not sara.has_usable_password()
    assert driver.find_elements(By.CSS_SELECTOR, "form.helhed-logout"), "the caseworker got no session"
    _provider_login(browser, base, "Log ind med din organisations login", "kantine")
    assert _h1(browser) == "Du har ikke adgang til helhed"
    checks.append(browser.check_page("anonym", state="afvist: ingen rolle"))
    assert User.objects.count() == staff_citizen_count + 1, "a user without a mapped group was created"

    assert not any(c.problems() for c in checks), report(checks, "Login pages with problems")
