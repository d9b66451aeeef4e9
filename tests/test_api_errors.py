"""Every API error is Danish JSON in one shape, ``{"detail": "…"}``, whatever fails: the CSRF
check, a body over the size limit, a body that cannot be parsed, the schema, a service's
rule, an unknown path or method, no login. The CSRF failure page for the HTML forms is Danish."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory

from helhed.api import refused_by_a_service
from helhed.core.roles import Role
from helhed.core.services import create_api_token
from tests.factories import UserFactory, make_citizen

ENGLISH = ("Unauthorized", "Forbidden", "CSRF check Failed", "Cannot parse", "Not Found", "Method not allowed",
           "Field required", "Bad Request")


@pytest.fixture
def udk(db):
    return UserFactory(role=Role.UDK_STAFF, organisation="Udbetaling Danmark")


@pytest.fixture
def bearer(udk):
    _, secret = create_api_token(user=udk, name="test")
    return {"Authorization": f"Bearer {secret}"}


def _danish_error(response, status: int) -> str:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert isinstance(body.get("detail"), str) and body["detail"]
    assert not any(word in body["detail"] for word in ENGLISH), body["detail"]
    return body["detail"]


def test_a_session_call_without_the_csrf_token_is_refused_in_danish(udk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(udk)
    response = client.post("/api/v1/citizens/search", {"q": "Holm"}, content_type="application/json")
    assert "CSRF-kontrollen fejlede" in _danish_error(response, 403)


def test_a_body_over_the_size_limit_is_413_in_danish(client, bearer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = client.post("/api/v1/citizens/search", json.dumps({"q": "Holm" + " " * 5_000}),
                           content_type="application/json", headers=bearer)
    assert "for stort" in _danish_error(response, 413)


def test_a_form_body_over_the_size_limit_is_413_in_danish_too(client, udk, settings):
    """Here the session's CSRF check is what reads the body first."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client.force_login(udk)
    response = client.post("/api/v1/citizens/search", "q=" + "x" * 5_000,
                           content_type="application/x-www-form-urlencoded")
    _danish_error(response, 413)


def test_a_body_that_is_not_json_is_400_in_danish(client, bearer):
    response = client.post("/api/v1/citizens/search", "{q: Holm", content_type="application/json", headers=bearer)
    assert "kan ikke læses" in _danish_error(response, 400)


def test_a_schema_error_names_the_field_and_lists_the_errors(client, bearer):
    response = client.post("/api/v1/citizens/search", json.dumps({"q": ""}), content_type="application/json",
                           headers=bearer)
    assert "q" in _danish_error(response, 422)
    assert json.loads(response.content)["errors"]


def test_a_missing_field_is_said_to_be_missing(client, bearer):
    response = client.post("/api/v1/citizens/search", "{}", content_type="application/json", headers=bearer)
    assert _danish_error(response, 422) == "Mangler: q."


def test_a_service_refusal_is_422_with_the_services_message_and_no_cpr(client, bearer):
    response = client.post("/api/v1/citizens/search", json.dumps({"q": "320199-1234"}),
                           content_type="application/json", headers=bearer)
    detail = _danish_error(response, 422)
    assert "320199" not in detail and "1234" not in detail


def test_a_stale_copy_or_an_unconfirmed_duplicate_is_409_anything_else_422():
    request = RequestFactory().post("/api/v1/x")
    assert refused_by_a_service(request, ValidationError("Ændret af en anden.", code="stale")).status_code == 409
    duplicate = ValidationError({"duplicate_confirmed": ValidationError("Findes.", code="unconfirmed_duplicate")})
    assert refused_by_a_service(request, duplicate).status_code == 409
    mixed = ValidationError({"duplicate_confirmed": ValidationError("Findes.", code="unconfirmed_duplicate"),
                             "channel": "Forkert kanal."})
    assert refused_by_a_service(request, mixed).status_code == 422
    assert refused_by_a_service(request, ValidationError("Forkert.")).status_code == 422
    already = ValidationError("Der er allerede en kontantordning.", code="duplicate")
    assert refused_by_a_service(request, already).status_code == 422  # as it was before the one handler


def test_an_application_without_an_idempotency_key_is_refused_as_the_spec_says(client, bearer, udk):
    from helhed.api import api

    operation = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]["/api/v1/applications"]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert header["required"] is True
    karen = make_citizen(municipality=751, first_name="Karen", last_name="Holm")
    body = json.dumps({"citizen_id": str(karen.pk), "benefit_area": "folkepension", "channel": "paper"})
    response = client.post("/api/v1/applications", body, content_type="application/json", headers=bearer)
    assert "Idempotency-Key" in _danish_error(response, 422)


def test_an_unknown_api_path_is_404_json(client, bearer):
    assert "Findes ikke" in _danish_error(client.get("/api/v1/findes-ikke", headers=bearer), 404)


def test_a_method_the_path_does_not_have_is_405_json_with_allow(client, bearer):
    response = client.get("/api/v1/citizens/search", headers=bearer)
    assert "POST" in _danish_error(response, 405) and response["Allow"] == "POST"


def test_no_login_is_401_in_danish(client, db):
    assert "API-nøgle" in _danish_error(client.get("/api/v1/me"), 401)


def test_every_error_status_the_api_answers_is_in_the_openapi_document(db):
    from helhed.api import api

    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    search = paths["/api/v1/citizens/search"]["post"]["responses"]
    assert {400, 401, 403, 413, 422} <= set(search)
    citizen = paths["/api/v1/citizens/{citizen_id}"]["get"]["responses"]
    assert {401, 404, 422} <= set(citizen)
    kvik = paths["/api/v1/fasttrack/me"]["get"]["responses"]
    assert 429 in kvik


def test_the_csrf_failure_page_for_a_form_is_danish(udk):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/log-ind/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Formularen kunne ikke sendes" in page and "tilbage-knap" in page
    assert "CSRF verification failed" not in page and 'lang="da"' in page


def test_a_permission_refused_deep_in_a_selector_is_403_json(db):
    from django.core.exceptions import PermissionDenied

    from helhed.api import permission_denied

    request = RequestFactory().get("/api/v1/x")
    response = permission_denied(request, PermissionDenied("Din rolle giver ikke adgang til målgruppens borgere."))
    assert response.status_code == 403
    assert json.loads(response.content) == {"detail": "Din rolle giver ikke adgang til målgruppens borgere."}
    assert "ikke adgang" in json.loads(permission_denied(request, PermissionDenied()).content)["detail"]
