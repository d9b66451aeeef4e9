"""Every Kvik-linje route refuses: no key, an expired key, a revoked key, another
organisation's key, a user organisation without consent, and one whose consent has ended.
Refusals about a citizen are the same 404 as for a citizen who does not exist."""

import datetime
import json

import pytest
from django.utils import timezone

from helhed.core.models import AuditRecord
from helhed.fasttrack import services
from helhed.fasttrack.models import Consent, ConsentKind, ConsentScope, Question
from tests.fasttrack.conftest import ALL_SCOPES, Key

NOT_FOUND = {"detail": "Findes ikke eller er ikke tilgængelig."}


@pytest.fixture
def questions(ft):
    """A question from Hus Forbi about Jan's case and one from Aarhus about Karen's."""
    jan_q, _ = services.ask_question(key=ft["keys"]["husforbi"].key, case=ft["cases"][0], subject="Emne", body="Tekst")
    karen_q, _ = services.ask_question(key=ft["keys"]["aarhus"].key, case=ft["karen_case"], subject="Emne",
                                       body="Tekst")
    return {"jan": jan_q, "karen": karen_q}


def routes(ft, questions, who="jan"):
    """(method, path, body) of every Kvik-linje operation that reads a citizen, aimed at
    ``who``'s data; and the two that read none (me, list of questions)."""
    citizen = ft[who]
    case = ft["cases"][0] if who == "jan" else ft["karen_case"]
    return [
        ("POST", "/api/v1/fasttrack/cases/lookup", {"cpr": citizen.cpr}),
        ("GET", f"/api/v1/fasttrack/cases/{case.reference}", None),
        ("POST", "/api/v1/fasttrack/questions", {"case_reference": case.reference, "subject": "S", "body": "B"}),
        ("GET", f"/api/v1/fasttrack/questions/{questions[who].pk}", None),
    ]


ALL_PATHS = {"/api/v1/fasttrack/me", "/api/v1/fasttrack/cases/lookup", "/api/v1/fasttrack/cases/{reference}",
             "/api/v1/fasttrack/questions", "/api/v1/fasttrack/questions/{question_id}"}


def call(client, method, path, body, headers):
    if method == "GET":
        return client.get(path, **headers)
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_the_matrix_covers_every_fasttrack_operation():
    from helhed.api import api

    assert {p for p in api.get_openapi_schema()["paths"] if "/fasttrack/" in p} == ALL_PATHS


def test_the_owner_of_the_data_is_allowed_everywhere(client, ft, questions):
    for method, path, body in routes(ft, questions):
        response = call(client, method, path, body, ft["keys"]["husforbi"].headers)
        assert response.status_code in (200, 201), (path, response.content)
    for method, path, body in routes(ft, questions, who="karen"):
        response = call(client, method, path, body, ft["keys"]["aarhus"].headers)
        assert response.status_code in (200, 201), (path, response.content)


@pytest.mark.parametrize("how", ["no key", "malformed", "unknown key", "user token", "expired", "revoked"])
def test_no_usable_key_is_401_everywhere(client, ft, questions, how, settings):
    from helhed.core.services import create_api_token

    # One caller tries every route with a bad key; the lock-out that would follow after five
    # is tested in tests/core/test_lockout.py.
    settings.AXES_FAILURE_LIMIT = 1000

    key = ft["keys"]["husforbi"]
    headers = {
        "no key": {},
        "malformed": {"HTTP_AUTHORIZATION": "Basic Zm9vOmJhcg=="},
        "unknown key": {"HTTP_AUTHORIZATION": "Bearer hlk_" + "x" * 43},
        "user token": {"HTTP_AUTHORIZATION": "Bearer " + create_api_token(user=ft["staff"], name="t")[1]},
        "expired": key.headers,
        "revoked": key.headers,
    }[how]
    if how == "expired":
        key.key.expires_at = timezone.now() - datetime.timedelta(seconds=1)
        key.key.save()
    if how == "revoked":
        services.revoke_key(key=key.key)
    for method, path, body in [*routes(ft, questions), ("GET", "/api/v1/fasttrack/me", None),
                               ("GET", "/api/v1/fasttrack/questions", None)]:
        response = call(client, method, path, body, headers)
        assert response.status_code == 401, (how, path, response.status_code)
        assert "Olsen" not in response.content.decode()
    assert not AuditRecord.objects.filter(citizen_uuid=ft["jan"].pk).exists()


@pytest.mark.parametrize("who,key", [
    ("jan", "sand"),  # another user organisation, no consent from Jan
    ("jan", "kbh"),  # another municipality (Jan lives in Aarhus)
    ("karen", "husforbi"),  # Hus Forbi has no consent from Karen
    ("karen", "kbh"),
])
def test_another_organisations_key_sees_nothing(client, ft, questions, who, key):
    for method, path, body in routes(ft, questions, who=who):
        response = call(client, method, path, body, ft["keys"][key].headers)
        assert response.status_code == 404, (key, path, response.status_code)
        assert response.json() == NOT_FOUND
    listed = client.get("/api/v1/fasttrack/questions", **ft["keys"][key].headers).json()
    assert str(questions[who].pk) not in {q["id"] for q in listed}
    assert not AuditRecord.objects.filter(citizen_uuid=ft[who].pk).exists()
    assert Question.objects.count() == 2


@pytest.mark.parametrize("state", ["expired", "not yet valid", "revoked", "other scope"])
def test_a_consent_that_does_not_cover_the_call_is_the_same_as_none(client, ft, questions, state):
    consent = ft["consent"]
    today = ft["today"]
    if state == "expired":
        Consent.objects.filter(pk=consent.pk).update(valid_from=today - datetime.timedelta(days=30),
                                                     valid_until=today - datetime.timedelta(days=1))
    elif state == "not yet valid":
        Consent.objects.filter(pk=consent.pk).update(valid_from=today + datetime.timedelta(days=1),
                                                     valid_until=today + datetime.timedelta(days=30))
    elif state == "revoked":
        services.revoke_consent(consent=consent, actor=ft["staff"])
    else:
        Consent.objects.filter(pk=consent.pk).update(scopes="questions")
    responses = [call(client, m, p, b, ft["keys"]["husforbi"].headers) for m, p, b in routes(ft, questions)]
    if state == "other scope":  # questions still allowed, case status not
        assert [r.status_code for r in responses] == [404, 404, 201, 200]
    else:
        assert [r.status_code for r in responses] == [404, 404, 404, 404]
        assert all(r.json() == NOT_FOUND for r in responses)
        assert not AuditRecord.objects.filter(citizen_uuid=ft["jan"].pk).exists()


def test_a_consent_covers_only_its_organisation(client, ft, questions):
    services.register_consent(citizen=ft["karen"], organisation=ft["sand"], kind=ConsentKind.CONSENT,
                              scopes=[ConsentScope.CASE_STATUS], valid_from=ft["today"], valid_until=ft["today"],
                              actor=ft["staff"])
    sand = call(client, "POST", "/api/v1/fasttrack/cases/lookup", {"cpr": ft["karen"].cpr}, ft["keys"]["sand"].headers)
    hus = call(client, "POST", "/api/v1/fasttrack/cases/lookup", {"cpr": ft["karen"].cpr},
               ft["keys"]["husforbi"].headers)
    assert (sand.status_code, hus.status_code) == (200, 404)


def test_a_key_is_limited_to_its_scopes_on_every_route(client, ft, questions):
    routes_by_scope = {
        "case-status:read": routes(ft, questions)[:2],
        "questions:write": routes(ft, questions)[2:3],
        "questions:read": [*routes(ft, questions)[3:], ("GET", "/api/v1/fasttrack/questions", None)],
    }
    for scope in ALL_SCOPES:
        others = [s for s in ALL_SCOPES if s != scope]
        limited = Key(*services.create_key(organisation=ft["husforbi"], name="smal", scopes=others))
        for method, path, body in routes_by_scope[scope]:
            assert call(client, method, path, body, limited.headers).status_code == 403, (scope, path)
