"""A session ends after 30 idle minutes, and 8 hours after log-in however busy the user is."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone


@pytest.fixture
def page():
    return reverse("registry:search")


def at(minutes: float):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=False)


def is_logged_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("core:login"))


def test_a_session_idle_for_more_than_30_minutes_ends(client, aarhus_caseworker, page, today):
    client.force_login(aarhus_caseworker)
    assert client.get(page).status_code == 200
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(page).status_code == 200
    # Idle is counted from the last request, not from the log-in.
    with time_machine.travel(start + datetime.timedelta(minutes=58), tick=False):
        assert client.get(page).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=89), tick=False):
        response = client.get(page)
        assert is_logged_out(response)
        assert "_auth_user_id" not in client.session
        login_page = client.get(response["Location"])
        assert "ikke har brugt helhed i 30 minutter" in login_page.content.decode()


def test_the_idle_period_is_a_setting(client, aarhus_caseworker, page, today, settings):
    settings.HELHED_SESSION_IDLE_MINUTES = 10
    client.force_login(aarhus_caseworker)
    start = timezone.now()
    with time_machine.travel(start + datetime.timedelta(minutes=9), tick=False):
        assert client.get(page).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=20), tick=False):
        assert is_logged_out(client.get(page))


def test_a_busy_session_ends_8_hours_after_log_in(client, aarhus_caseworker, page, today):
    client.force_login(aarhus_caseworker)
    start = timezone.now()
    for minutes in range(20, 8 * 60, 20):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get(page).status_code == 200, minutes
    with time_machine.travel(start + datetime.timedelta(hours=8, minutes=1), tick=False):
        response = client.get(page)
        assert is_logged_out(response)
        assert "der er gået 8 timer" in client.get(response["Location"]).content.decode()


def test_an_idle_api_session_is_answered_401(client, aarhus_caseworker, today):
    client.force_login(aarhus_caseworker)
    assert client.get("/api/v1/me").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31), tick=False):
        assert client.get("/api/v1/me").status_code == 401
        assert client.get("/api/v1/me").status_code == 401


def test_a_citizen_session_idles_out_too(client, citizen_with_login, today, settings):
    settings.HELHED_CITIZEN_SESSION_IDLE_MINUTES = 15
    page = reverse("registry:my_data")
    client.force_login(citizen_with_login.user)
    assert client.get(page).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
        assert is_logged_out(client.get(page))
