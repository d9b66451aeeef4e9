"""The Kvik-linje's web pages: Udbetaling Danmark's queue and answer form, the
organisation's own page, consents registered by staff and revoked by the citizen, and the
citizen's log naming the organisation."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from helhed.casework.models import Task
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.fasttrack import services
from helhed.fasttrack.models import Consent, Question, QuestionStatus
from helhed.fasttrack.rules import answer_deadline
from tests.factories import UserFactory


@pytest.fixture
def udk(db):
    return UserFactory(role=Role.UDK_STAFF, organisation="Udbetaling Danmark", first_name="Hanne", last_name="Berg")


@pytest.fixture
def question(ft):
    q, _ = services.ask_question(key=ft["keys"]["husforbi"].key, case=ft["cases"][0],
                                 subject="Hvornår kommer pengene?", body="Jan venter på sin boligstøtte.")
    return q


def test_the_deadline_is_three_business_days_skipping_weekends_and_holidays():
    assert answer_deadline(datetime.date(2026, 11, 20)) == datetime.date(2026, 11, 25)  # Friday → Wednesday
    # Over Christmas: 24 December counts, 25 and 26 December and the weekend do not.
    assert answer_deadline(datetime.date(2026, 12, 23)) == datetime.date(2026, 12, 29)


def test_udk_sees_the_queue_and_answers_and_the_organisation_reads_the_answer(client, ft, udk, question):
    client.force_login(udk)
    page = client.get("/kvik-linje/udk/").content.decode()
    assert "Hvornår kommer pengene?" in page and "Hus Forbi" in page and ft["cases"][0].reference in page
    assert "Olsen" not in page  # the queue shows no citizen
    detail = client.get(f"/kvik-linje/spoergsmaal/{question.pk}/")
    assert "Jan Olsen" in detail.content.decode()
    assert AuditRecord.objects.filter(citizen_uuid=ft["jan"].pk, actor=udk).exists()
    empty = client.post(f"/kvik-linje/spoergsmaal/{question.pk}/", {"answer": " "})
    assert "Skriv et svar." in empty.content.decode()
    answered = client.post(f"/kvik-linje/spoergsmaal/{question.pk}/", {"answer": "Pengene kommer fredag."})
    assert answered.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED and question.answered_by == udk
    assert Task.objects.get(pk=question.task_id).status == "done"
    again = client.post(f"/kvik-linje/spoergsmaal/{question.pk}/", {"answer": "Igen"})
    assert again.status_code == 403
    response = client.get(f"/api/v1/fasttrack/questions/{question.pk}", **ft["keys"]["husforbi"].headers)
    assert response.json()["answer"] == "Pengene kommer fredag."


def test_the_queue_marks_overdue_questions(client, ft, udk):
    asked = timezone.now() - datetime.timedelta(days=14)
    services.ask_question(key=ft["keys"]["aarhus"].key, case=ft["karen_case"], subject="Gammelt", body="x", now=asked)
    client.force_login(udk)
    assert "(overskredet)" in client.get("/kvik-linje/udk/").content.decode()


def test_the_organisations_page_shows_its_questions_and_key_usage_only(client, ft, question):
    member = UserFactory(role=Role.USERORG_MEMBER, organisation="Hus Forbi")
    ft["husforbi"].members.add(member)
    for _ in range(3):
        client.get("/api/v1/fasttrack/me", **ft["keys"]["husforbi"].headers)
    client.force_login(member)
    page = client.get("/kvik-linje/").content.decode()
    assert "Hvornår kommer pengene?" in page and ft["keys"]["husforbi"].key.prefix in page
    assert ft["keys"]["sand"].key.prefix not in page
    assert "<td>3</td>" in page  # calls today
    own = client.get(f"/kvik-linje/spoergsmaal/{question.pk}/")
    assert own.status_code == 200 and "Olsen" not in own.content.decode()
    other = UserFactory(role=Role.USERORG_MEMBER, organisation="SAND")
    ft["sand"].members.add(other)
    client.force_login(other)
    assert client.get(f"/kvik-linje/spoergsmaal/{question.pk}/").status_code == 404
    assert "Hvornår kommer pengene?" not in client.get("/kvik-linje/").content.decode()


def test_staff_register_a_consent_and_the_citizen_sees_and_revokes_it(client, ft, citizen_with_login):
    karen = citizen_with_login
    staff = ft["staff"]  # Aarhus caseworker; Karen lives in Aarhus
    client.force_login(staff)
    form = client.get(f"/kvik-linje/borgere/{karen.pk}/samtykke/")
    assert form.status_code == 200
    today = timezone.localdate()
    bad = client.post(f"/kvik-linje/borgere/{karen.pk}/samtykke/", {
        "organisation": ft["sand"].pk, "kind": "samtykke", "scopes": "case-status",
        "valid_from": today.isoformat(), "valid_until": (today - datetime.timedelta(days=1)).isoformat()})
    assert "Slutdatoen skal ligge efter startdatoen." in bad.content.decode()
    assert "SAND" in bad.content.decode()  # the choice is kept
    ok = client.post(f"/kvik-linje/borgere/{karen.pk}/samtykke/", {
        "organisation": ft["sand"].pk, "kind": "fuldmagt", "scopes": "case-status questions",
        "valid_from": today.isoformat(), "valid_until": (today + datetime.timedelta(days=90)).isoformat()})
    assert ok.status_code == 302
    consent = Consent.objects.get(citizen=karen)
    assert consent.registered_by == staff and consent.scope_set == {"case-status", "questions"}

    sand = ft["keys"]["sand"]
    assert client.post("/api/v1/fasttrack/cases/lookup", json.dumps({"cpr": karen.cpr}),
                       content_type="application/json", **sand.headers).status_code == 200
    client.force_login(karen.user)
    mine = client.get("/mit/").content.decode()
    assert "SAND" in mine and "Tilbagekald" in mine
    log = client.get("/mit/log/").content.decode()
    assert "SAND" in log and "Kvik-linjen" in log
    assert client.post(f"/kvik-linje/samtykke/{consent.pk}/tilbagekald/").status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_by == karen.user
    assert client.post("/api/v1/fasttrack/cases/lookup", json.dumps({"cpr": karen.cpr}),
                       content_type="application/json", **sand.headers).status_code == 404


def test_staff_of_another_municipality_cannot_register_or_revoke(client, ft, copenhagen_caseworker):
    client.force_login(copenhagen_caseworker)
    assert client.get(f"/kvik-linje/borgere/{ft['jan'].pk}/samtykke/").status_code == 404
    assert client.post(f"/kvik-linje/samtykke/{ft['consent'].pk}/tilbagekald/").status_code == 404
    other_citizen = UserFactory(role=Role.CITIZEN)
    client.force_login(other_citizen)
    assert client.post(f"/kvik-linje/samtykke/{ft['consent'].pk}/tilbagekald/").status_code == 404
    assert Consent.objects.get(pk=ft["consent"].pk).revoked_at is None


def test_a_municipality_cannot_be_given_consent(ft):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.register_consent(citizen=ft["karen"], organisation=ft["aarhus"], kind="samtykke",
                                  scopes=["case-status"], valid_from=ft["today"], valid_until=ft["today"],
                                  actor=ft["staff"])


def test_the_cli_makes_organisations_and_keys_and_revokes_them(db, capsys):
    from django.core.management import call_command

    from helhed.fasttrack.models import ApiKey

    call_command("fasttrack", "create-organisation", "Lev")
    call_command("fasttrack", "create-key", "Lev", "--scope", "case-status:read", "--days", "30")
    out = capsys.readouterr().out
    secret = out.strip().splitlines()[-1]
    key = ApiKey.objects.get()
    assert secret.startswith("hlk_") and key.key_hash != secret and key.scopes == "case-status:read"
    # As list-keys shows it: a bare prefix may begin with "-" and be read as an option.
    call_command("fasttrack", "revoke-key", f"hlk_{key.prefix}")
    key.refresh_from_db()
    assert key.revoked_at is not None
    call_command("fasttrack", "list-keys")
    assert "tilbagekaldt" in capsys.readouterr().out


def test_the_admin_shows_a_new_key_once(admin_client, ft):
    response = admin_client.post("/admin/fasttrack/apikey/add/", {
        "organisation": ft["sand"].pk, "name": "Ny", "scope_choices": ["case-status:read"],
        "rate_limit_per_minute": 60, "expires_at_0": "2030-01-01", "expires_at_1": "12:00:00"})
    assert response.status_code == 200, response.content.decode()[:2000]
    from helhed.fasttrack.models import ApiKey
    key = ApiKey.objects.get(name="Ny")
    page = response.content.decode()
    assert "hlk_" + key.prefix in page
    assert admin_client.get(f"/admin/fasttrack/apikey/{key.pk}/change/").content.decode().count("hlk_") == 0


def test_the_demo_has_organisations_consent_and_questions(db, demo_universe):
    jan = demo_universe.personas["jan"]
    assert Consent.objects.get(citizen=jan).organisation.name == "Hus Forbi"
    # The organisations' questions by API key; Karen's contact person asked one more from the case page.
    statuses = sorted(Question.objects.filter(key__isnull=False).values_list("status", flat=True))
    assert statuses == ["answered", "open", "open"]
    assert Question.objects.filter(key__isnull=True, case__citizen=demo_universe.personas["karen"]).count() == 1


def test_the_admin_issues_keys_and_organisations_through_the_services(admin_client, ft):
    """The admin makes what the command and the demo make: an organisation with the user that
    names it in the read audit, a key that cannot be born expired."""
    from helhed.fasttrack.models import ApiKey, Organisation

    response = admin_client.post("/admin/fasttrack/organisation/add/",
                                 {"name": "Kirkens Korshær", "kind": "user_organisation"})
    assert response.status_code == 302, response.content.decode()[:2000]
    organisation = Organisation.objects.get(name="Kirkens Korshær")
    assert organisation.audit_actor.first_name == "Kvik-linjen (API)" and not organisation.audit_actor.is_active

    response = admin_client.post("/admin/fasttrack/organisation/add/", {"name": "Uden kode", "kind": "municipality"})
    assert response.status_code == 200 and "En kommune skal have en kommunekode." in response.content.decode()
    assert not Organisation.objects.filter(name="Uden kode").exists()

    past = timezone.localtime() - datetime.timedelta(days=1)
    response = admin_client.post("/admin/fasttrack/apikey/add/", {
        "organisation": organisation.pk, "name": "Født udløbet", "scope_choices": ["case-status:read"],
        "rate_limit_per_minute": 60, "expires_at_0": past.strftime("%Y-%m-%d"), "expires_at_1": "12:00:00"})
    assert response.status_code == 200 and "udløbe på et tidspunkt efter nu" in response.content.decode()
    assert not ApiKey.objects.filter(name="Født udløbet").exists()
    with pytest.raises(ValidationError):
        services.create_key(organisation=organisation, name="Født udløbet", scopes=["case-status:read"],
                            expires_at=timezone.now() - datetime.timedelta(seconds=1))
