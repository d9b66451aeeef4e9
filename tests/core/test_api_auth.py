import datetime

import pytest
from django.utils import timezone

from helhed.core.models import ApiToken
from helhed.core.services import create_api_token, hash_token, revoke_api_token


@pytest.fixture
def token(aarhus_caseworker):
    return create_api_token(user=aarhus_caseworker, name="fagsystem")


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_only_the_hash_is_stored(token):
    stored, secret = token
    assert secret.startswith("hlh_")
    row = ApiToken.objects.values().get(pk=stored.pk)
    assert secret not in str(row)
    assert row["key_hash"] == hash_token(secret)


def test_a_token_authenticates_as_its_user(client, token):
    response = client.get("/api/v1/me", **bearer(token[1]))
    assert response.status_code == 200
    assert response.json()["role"] == "caseworker"
    assert response.json()["municipalities"] == [751]


def test_unknown_expired_and_revoked_tokens_are_refused(client, token):
    stored, secret = token
    assert client.get("/api/v1/me", **bearer("hlh_wrong")).status_code == 401
    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401
    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200
    revoke_api_token(token=stored)
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_a_deactivated_users_token_is_refused(client, token):
    stored, secret = token
    stored.user.is_active = False
    stored.user.save()
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_a_demo_users_token_is_refused_outside_demo_mode(client, token, settings):
    stored, secret = token
    stored.user.is_demo = True
    stored.user.save()
    settings.DEMO_MODE = False
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401
    settings.DEMO_MODE = True
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 200


def test_session_api_calls_that_write_need_csrf(aarhus_caseworker):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(aarhus_caseworker)
    assert browser.get("/api/v1/me").status_code == 200
    assert browser.post("/api/v1/citizens/search", {"q": "Holm"}, content_type="application/json").status_code == 403


def test_create_api_token_command_shows_the_secret_once(aarhus_caseworker, capsys):
    from django.core.management import call_command

    call_command("create_api_token", aarhus_caseworker.username, "--name", "test", "--days", "30")
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiToken.objects.get(key_hash=hash_token(secret)).name == "test"


def test_openapi_spec_is_served(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "helhed API"
    assert "/api/v1/citizens/{citizen_id}" in spec["paths"]
    assert {"BearerToken", "BrowserSession"} <= set(spec["components"]["securitySchemes"])
