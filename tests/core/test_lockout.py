"""Guessing a password or an API key: five failures lock the guesser out for 15 minutes."""

import datetime
import logging

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.utils import timezone

from helhed.core.services import create_api_token
from helhed.fasttrack import services as fasttrack
from helhed.fasttrack.models import OrganisationKind
from tests.factories import UserFactory

PASSWORD = "korrekt-hest-batteri-42"
OFFICE = "10.1.2.3"
ELSEWHERE = "10.9.9.9"


@pytest.fixture
def lene(db):
    user = UserFactory(username="lene.skov", role="caseworker", municipalities=[751])
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, username, password, address=OFFICE):
    return client.post("/log-ind/", {"username": username, "password": password}, REMOTE_ADDR=address)


def guess(client, username, times, address=OFFICE):
    for _ in range(times):
        response = log_in(client, username, "forkert-gæt", address)
        assert response.status_code in (200, 429)
    return response


def test_the_right_password_is_refused_after_five_wrong_ones(client, lene, today, caplog):
    for _ in range(4):
        assert log_in(client, "lene.skov", "forkert-gæt").status_code == 200
    with caplog.at_level(logging.WARNING, logger="helhed.security"):
        fifth = log_in(client, "lene.skov", "forkert-gæt")
    assert fifth.status_code == 429
    assert any("Spærret efter 5 forkerte forsøg" in r.getMessage() and "lene.skov" in r.getMessage()
               for r in caplog.records)

    right = log_in(client, "lene.skov", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    page = right.content.decode()
    until = timezone.localtime() + datetime.timedelta(minutes=15)
    assert "For mange forsøg" in page
    assert f"kl. {until:%H.%M}" in page or f"kl. {until - datetime.timedelta(minutes=1):%H.%M}" in page
    assert 890 <= int(right["Retry-After"]) <= 900


def test_a_try_during_the_lockout_does_not_move_the_time_given(client, lene, today):
    guess(client, "lene.skov", 5)
    first_until = AccessAttempt.objects.get(username="lene.skov").attempt_time
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10)):
        assert log_in(client, "lene.skov", PASSWORD).status_code == 429
        assert AccessAttempt.objects.get(username="lene.skov").attempt_time == first_until


def test_the_lockout_ends_after_15_minutes(client, lene, today):
    guess(client, "lene.skov", 5)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=14)):
        assert log_in(client, "lene.skov", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=15, seconds=5)):
        response = log_in(client, "lene.skov", PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(lene.pk)


def test_the_lockout_is_per_user_and_address(client, lene, today):
    guess(client, "lene.skov", 5)
    omar = UserFactory(username="omar.nielsen", role="caseworker", municipalities=[101])
    omar.set_password(PASSWORD)
    omar.save()
    # A colleague at the same address, and Lene herself from another address, are let in.
    assert log_in(client, "omar.nielsen", PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "lene.skov", PASSWORD, address=ELSEWHERE).status_code == 302


def test_a_success_clears_earlier_failures(client, lene, today):
    guess(client, "lene.skov", 4)
    assert log_in(client, "lene.skov", PASSWORD).status_code == 302
    client.logout()
    guess(client, "lene.skov", 4)
    assert log_in(client, "lene.skov", PASSWORD).status_code == 302


def test_an_administrator_lifts_a_lockout_from_the_command_line(client, lene, today, capsys):
    guess(client, "lene.skov", 5)
    call_command("lockout", "list")
    listed = capsys.readouterr().out
    assert "lene.skov" in listed and OFFICE in listed and "spærret til kl." in listed

    call_command("lockout", "lift", "--username", "lene.skov")
    assert "Spærringen for lene.skov er ophævet" in capsys.readouterr().out
    assert log_in(client, "lene.skov", PASSWORD).status_code == 302

    with pytest.raises(CommandError, match="intet er ophævet"):
        call_command("lockout", "lift", "--username", "lene.skov")


def test_lifting_nothing_from_the_command_line_is_a_danish_error_with_exit_2(db, capsys):
    from helhed.core.management.commands.lockout import Command

    command = Command()
    command._called_from_command_line = True  # as `helhed lockout …` runs it
    with pytest.raises(SystemExit) as exit_:
        call_command(command, "lift", "--username", "ingen")
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith("Fejl: Ingen forkerte forsøg passer på det")


def test_an_administrator_sees_and_deletes_lockouts_in_the_admin(client, lene, admin_user, today):
    guess(client, "lene.skov", 5)
    attempt = AccessAttempt.objects.get(username="lene.skov")
    client.force_login(admin_user)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "lene.skov" in listing.content.decode()
    deleted = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    client.logout()
    assert log_in(client, "lene.skov", PASSWORD).status_code == 302


# --- API bearer tokens and Kvik-linje keys -----------------------------------------------

def bearer(secret, address=OFFICE):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "REMOTE_ADDR": address}


@pytest.fixture
def token(lene):
    return create_api_token(user=lene, name="fagsystem")[1]


def assert_locked(response):
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("For mange forkerte API-nøgler")
    assert "Prøv igen om 15 minutter" in response.json()["detail"]
    assert 890 <= int(response["Retry-After"]) <= 900


def test_guessed_api_tokens_lock_the_address_out(client, token, today):
    for n in range(5):
        assert client.get("/api/v1/me", **bearer(f"hlh_guess{n:04d}xxxxxxxxxxxx")).status_code == 401
    # From that address even a right token is refused now, with the API's Danish error shape.
    assert_locked(client.get("/api/v1/me", **bearer(token)))
    # From elsewhere the token works.
    assert client.get("/api/v1/me", **bearer(token, address=ELSEWHERE)).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=15, seconds=5)):
        assert client.get("/api/v1/me", **bearer(token)).status_code == 200


def test_guesses_at_one_tokens_secret_from_many_addresses_lock_that_token(client, token, today):
    for n in range(5):
        wrong = token[:12] + "x" * (len(token) - 12)
        assert client.get("/api/v1/me", **bearer(wrong, address=f"10.0.0.{n}")).status_code == 401
    assert_locked(client.get("/api/v1/me", **bearer(token, address=ELSEWHERE)))


def test_an_administrator_lifts_an_api_lockout(client, token, today, capsys):
    for n in range(5):
        client.get("/api/v1/me", **bearer(f"hlh_guess{n:04d}xxxxxxxxxxxx"))
    call_command("lockout", "list")
    assert f"api:adresse:{OFFICE}" in capsys.readouterr().out
    call_command("lockout", "lift", "--username", f"api:adresse:{OFFICE}")
    assert client.get("/api/v1/me", **bearer(token)).status_code == 200


@pytest.fixture
def kvik_key(db):
    org = fasttrack.create_organisation(name="Hus Forbi", kind=OrganisationKind.USER_ORGANISATION)
    return fasttrack.create_key(organisation=org, name="Klient", scopes=["questions:read"])[1]


def test_guessed_kvik_linje_keys_lock_the_address_out(client, kvik_key, today):
    path = "/api/v1/fasttrack/questions"
    assert client.get(path, **bearer(kvik_key)).status_code == 200
    for n in range(5):
        assert client.get(path, **bearer(f"hlk_guess{n:04d}xxxxxxxxxxxx")).status_code == 401
    assert_locked(client.get(path, **bearer(kvik_key)))
    assert client.get(path, **bearer(kvik_key, address=ELSEWHERE)).status_code == 200


def test_guesses_at_one_kvik_linje_keys_secret_lock_that_key(client, kvik_key, today):
    path = "/api/v1/fasttrack/questions"
    for n in range(5):
        wrong = kvik_key[:12] + "x" * (len(kvik_key) - 12)
        assert client.get(path, **bearer(wrong, address=f"10.0.0.{n}")).status_code == 401
    assert_locked(client.get(path, **bearer(kvik_key, address=ELSEWHERE)))
