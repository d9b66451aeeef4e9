"""The Kvik-linje API as a client sees it."""

import json

import pytest

from helhed.core.models import AuditRecord
from helhed.fasttrack.models import Question, QuestionStatus


def post(client, path, body, key):
    return client.post(path, json.dumps(body), content_type="application/json", **key.headers)


def test_a_user_organisation_with_consent_sees_the_citizens_cases_and_the_read_is_logged(client, ft):
    key = ft["keys"]["husforbi"]
    response = post(client, "/api/v1/fasttrack/cases/lookup", {"cpr": ft["jan"].cpr}, key)
    assert response.status_code == 200, response.content
    cases = response.json()["cases"]
    assert [c["reference"] for c in cases] == [c.reference for c in ft["cases"]]
    assert cases[0]["status_label"] == "Modtaget"
    record = AuditRecord.objects.get(citizen_uuid=ft["jan"].pk, request_id=response["X-Request-ID"])
    assert record.actor_organisation == "Hus Forbi"
    assert key.key.prefix in record.what and record.channel == "api"


def test_a_municipality_sees_its_own_citizens_only(client, ft):
    ok = post(client, "/api/v1/fasttrack/cases/lookup", {"cpr": ft["karen"].cpr}, ft["keys"]["aarhus"])
    assert ok.status_code == 200 and len(ok.json()["cases"]) == 1
    record = AuditRecord.objects.get(citizen_uuid=ft["karen"].pk)
    assert record.actor_organisation == "Aarhus Kommune"
    refused = post(client, "/api/v1/fasttrack/cases/lookup", {"cpr": ft["karen"].cpr}, ft["keys"]["kbh"])
    assert refused.status_code == 404


def test_a_refusal_looks_exactly_like_an_unknown_citizen(client, ft):
    from tests.factories import fictional_cpr

    key = ft["keys"]["husforbi"]
    without_consent = post(client, "/api/v1/fasttrack/cases/lookup", {"cpr": ft["karen"].cpr}, key)
    unknown = post(client, "/api/v1/fasttrack/cases/lookup", {"cpr": fictional_cpr()}, key)
    assert without_consent.status_code == unknown.status_code == 404
    assert without_consent.content == unknown.content
    by_ref = client.get(f"/api/v1/fasttrack/cases/{ft['karen_case'].reference}", **key.headers)
    no_ref = client.get("/api/v1/fasttrack/cases/2025-ZZZZZZZZ", **key.headers)
    assert by_ref.status_code == no_ref.status_code == 404 and by_ref.content == no_ref.content
    assert not AuditRecord.objects.filter(citizen_uuid=ft["karen"].pk).exists()


def test_a_malformed_cpr_gets_a_danish_error_that_does_not_repeat_it(client, ft):
    response = post(client, "/api/v1/fasttrack/cases/lookup", {"cpr": "3199xx-1234"}, ft["keys"]["aarhus"])
    assert response.status_code == 422
    assert "CPR" in response.json()["detail"] and "3199" not in response.content.decode()


def test_one_case_by_reference(client, ft):
    case = ft["cases"][0]
    response = client.get(f"/api/v1/fasttrack/cases/{case.reference.lower()}", **ft["keys"]["husforbi"].headers)
    assert response.status_code == 200
    assert response.json()["benefit_area"] == "boligstoette"


def test_ask_a_question_read_the_answer_once_udk_has_answered(client, ft):
    from helhed.core.roles import Role
    from helhed.fasttrack import services
    from tests.factories import UserFactory

    key = ft["keys"]["husforbi"]
    body = {"case_reference": ft["cases"][0].reference, "subject": "Hvornår udbetales boligstøtten?",
            "body": "Jan har ikke fået brev.", "idempotency_key": "hf-1"}
    first = post(client, "/api/v1/fasttrack/questions", body, key)
    again = post(client, "/api/v1/fasttrack/questions", body, key)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    question = Question.objects.get()
    assert question.task.kind == "question" and question.task.authority == "udk"
    assert question.due_on == first.json()["due_on"] or str(question.due_on) == first.json()["due_on"]
    listed = client.get("/api/v1/fasttrack/questions", **key.headers).json()
    assert [q["id"] for q in listed] == [str(question.pk)]
    services.answer_question(question=question, answer="Den sidste hverdag i måneden.",
                             actor=UserFactory(role=Role.UDK_STAFF))
    read = client.get(f"/api/v1/fasttrack/questions/{question.pk}", **key.headers).json()
    assert read["status"] == QuestionStatus.ANSWERED and read["answer"] == "Den sidste hverdag i måneden."
    question.task.refresh_from_db()
    assert question.task.status == "done"


def test_a_key_without_the_scope_is_refused(client, ft):
    from helhed.fasttrack import services

    key, secret = services.create_key(organisation=ft["aarhus"], name="Kun spørgsmål", scopes=["questions:read"])
    response = client.post("/api/v1/fasttrack/cases/lookup", json.dumps({"cpr": ft["karen"].cpr}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403


def test_the_rate_limit_answers_429_with_retry_after(client, ft):
    key = ft["keys"]["aarhus"]
    key.key.rate_limit_per_minute = 3
    key.key.save()
    statuses = [client.get("/api/v1/fasttrack/me", **key.headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.get("/api/v1/fasttrack/me", **key.headers)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60 and "For mange kald" in limited.json()["detail"]
    lookup = client.post("/api/v1/fasttrack/cases/lookup", json.dumps({"cpr": ft["karen"].cpr}),
                         content_type="application/json", **key.headers)
    assert lookup.status_code == 429 and not AuditRecord.objects.filter(citizen_uuid=ft["karen"].pk).exists()
    other = client.get("/api/v1/fasttrack/me", **ft["keys"]["kbh"].headers)
    assert other.status_code == 200


def test_user_tokens_still_work_on_the_other_routes_and_not_here(client, ft):
    from helhed.core.services import create_api_token

    token, secret = create_api_token(user=ft["staff"], name="x")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert client.get("/api/v1/fasttrack/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert client.get("/api/v1/me", **ft["keys"]["aarhus"].headers).status_code == 401


def test_the_rate_limit_is_counted_in_the_shared_database_per_minute(ft):
    import datetime

    from django.utils import timezone

    from helhed.fasttrack.models import KeyUsage
    from helhed.fasttrack.services import count_call

    key = ft["keys"]["kbh"].key
    key.rate_limit_per_minute = 2
    start = timezone.now().replace(second=10, microsecond=0)
    assert [count_call(key=key, now=start) for _ in range(3)] == [None, None, 50]
    assert count_call(key=key, now=start + datetime.timedelta(minutes=1)) is None  # a new minute
    assert sorted(KeyUsage.objects.filter(key=key).values_list("calls", flat=True)) == [1, 3]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_the_key_is_found_and_counted_in_one_statement(client, ft):
    """Outside a transaction (as in production) PostgreSQL finds the key and counts the
    call in one statement; the limit, the Retry-After and the counts are the same as on the
    other path. A call with a revoked key is refused and still counted."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from helhed.fasttrack.models import KeyUsage
    from helhed.fasttrack.services import revoke_key

    key = ft["keys"]["aarhus"]
    key.key.rate_limit_per_minute = 2
    key.key.save()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/fasttrack/me", **key.headers).status_code == 200
    key_queries = [q["sql"] for q in ctx.captured_queries
                   if "fasttrack_apikey" in q["sql"] and not q["sql"].startswith("UPDATE")]  # last used
    if connection.vendor == "postgresql":
        assert len(key_queries) == 1 and "fasttrack_keyusage" in key_queries[0]
    assert client.get("/api/v1/fasttrack/me", **key.headers).status_code == 200
    limited = client.get("/api/v1/fasttrack/me", **key.headers)
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 60
    revoke_key(key=key.key)
    assert client.get("/api/v1/fasttrack/me", **key.headers).status_code == 401
    assert sum(KeyUsage.objects.filter(key=key.key).values_list("calls", flat=True)) == 4


def test_a_key_call_runs_without_the_browser_middleware(client, ft):
    """A Kvik-linje call gets no session, CSRF cookie or language negotiation; a page still does."""
    response = client.post("/api/v1/fasttrack/cases/lookup", json.dumps({"cpr": ft["karen"].cpr}),
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **ft["keys"]["aarhus"].headers)
    assert response.status_code == 200
    assert not response.cookies and "Accept-Language" not in response.get("Vary", "")
    assert response["X-Request-ID"] and response["X-Frame-Options"] == "DENY"
    page = client.get("/log-ind/")
    assert "csrftoken" in page.cookies and "Accept-Language" in page["Vary"]
