"""The Kvik-linje is Udbetaling Danmark's fast track: it shows the citizen's cases at
Udbetaling Danmark only and takes questions about those (or about a matter at Udbetaling
Danmark), on the API and on the web page a user organisation's worker and a municipal
caseworker use. A citizen gives and revokes a consent in self-service. Key statistics
come from one source."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helhed.casework.models import Authority, BenefitArea, Task, TaskKind
from helhed.casework.services import open_case
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.fasttrack import selectors, services
from helhed.fasttrack.models import Consent, ConsentChannel, KeyUsage, Question
from helhed.fasttrack.rules import answer_deadline
from tests.factories import UserFactory, make_citizen


def post(client, path, body, key):
    return client.post(path, json.dumps(body), content_type="application/json", **key.headers)


@pytest.fixture
def jan_kontanthjaelp(ft, today):
    """Jan also has a kontanthjælp case: the municipality's own, never on the Kvik-linje."""
    return open_case(citizen=ft["jan"], benefit_area=BenefitArea.KONTANTHJAELP, opened_on=today, actor=None)


@pytest.fixture
def member(ft):
    user = UserFactory(role=Role.USERORG_MEMBER, organisation="Hus Forbi", first_name="Mads", last_name="Lund")
    ft["husforbi"].members.add(user)
    return user


# --- The API --------------------------------------------------------------------------------

def test_the_api_never_returns_the_municipalitys_own_case(client, ft, jan_kontanthjaelp):
    for key in (ft["keys"]["husforbi"], ft["keys"]["aarhus"]):
        cases = post(client, "/api/v1/fasttrack/cases/lookup", {"cpr": ft["jan"].cpr}, key).json()["cases"]
        assert {c["reference"] for c in cases} == {c.reference for c in ft["cases"]}
        assert all(c["authority"] == "udk" for c in cases)
        by_reference = client.get(f"/api/v1/fasttrack/cases/{jan_kontanthjaelp.reference}", **key.headers)
        assert by_reference.status_code == 404


def test_a_question_about_a_municipal_case_is_refused_and_lands_in_no_queue(client, ft, jan_kontanthjaelp):
    response = post(client, "/api/v1/fasttrack/questions", {
        "case_reference": jan_kontanthjaelp.reference, "subject": "Kontanthjælp", "body": "Hvornår?"},
        ft["keys"]["husforbi"])
    assert response.status_code == 404
    with pytest.raises(ValidationError, match="sager hos Udbetaling Danmark"):
        services.ask_question(key=ft["keys"]["husforbi"].key, case=jan_kontanthjaelp, subject="x", body="y")
    assert not Question.objects.exists()
    assert not Task.objects.filter(kind=TaskKind.QUESTION).exists()


MIXED_AREAS = st.lists(st.sampled_from(list(BenefitArea.values)), min_size=0, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(citizens=st.lists(MIXED_AREAS, min_size=1, max_size=4))
def test_property_the_kvik_linje_never_returns_a_municipal_case(ft, today, citizens):
    """Over generated citizens with any mix of Udbetaling Danmark and municipal cases, neither
    the API selectors (municipality and user organisation) nor the web page returns a case
    that is not Udbetaling Danmark's, and every Udbetaling Danmark case is returned."""
    from django.http import Http404

    caseworker = ft["staff"]
    for areas in citizens:
        citizen = make_citizen(municipality=751, first_name="Gen", last_name="Borger")
        cases = [open_case(citizen=citizen, benefit_area=area, opened_on=today, actor=None) for area in areas]
        services.register_consent(citizen=citizen, organisation=ft["husforbi"], kind="samtykke",
                                  scopes=["case-status", "questions"], valid_from=today, valid_until=today,
                                  actor=caseworker)
        udk_refs = {c.reference for c in cases if c.authority == Authority.UDK}
        municipal = [c for c in cases if c.authority != Authority.UDK]
        for name in ("aarhus", "husforbi"):
            key = ft["keys"][name].key
            rows = selectors.case_statuses(key=key, cpr=citizen.cpr, today=today)
            assert {r.reference for r in rows} == udk_refs
            assert all(r.authority == Authority.UDK for r in rows)
            for case in municipal:
                with pytest.raises(Http404):
                    selectors.case_by_reference(key=key, reference=case.reference, today=today)
                with pytest.raises(Http404):
                    selectors.case_for_question(key=key, reference=case.reference, today=today)
        page = selectors.kvik_citizen_page(user=caseworker, citizen_id=citizen.pk, today=today)
        assert {c.reference for c in page.cases} == udk_refs


# --- The web page -----------------------------------------------------------------------------

def test_a_municipal_caseworker_looks_up_own_citizen_sees_udk_cases_and_asks(client, ft, jan_kontanthjaelp, today):
    caseworker = ft["staff"]  # Aarhus; Jan lives in Aarhus
    client.force_login(caseworker)
    assert client.get("/kvik-linje/").status_code == 200
    found = client.post("/kvik-linje/", {"cpr": ft["jan"].cpr})
    assert found.status_code == 302 and ft["jan"].cpr not in found["Location"]
    page = client.get(found["Location"]).content.decode()
    assert ft["cases"][0].reference in page and ft["cases"][1].reference in page
    assert jan_kontanthjaelp.reference not in page and "Kontanthjælp" not in page
    assert AuditRecord.objects.filter(citizen_uuid=ft["jan"].pk, actor=caseworker, channel="web",
                                      what__contains="Kvik-linjen").exists()
    # The kontanthjælp case cannot be chosen for a question.
    refused = client.post(found["Location"], {"case": str(jan_kontanthjaelp.pk), "subject": "x", "body": "y"})
    assert "Vælg en sag fra listen." in refused.content.decode()
    asked = client.post(found["Location"], {"case": str(ft["cases"][1].pk), "subject": "Folkepension",
                                            "body": "Hvornår bliver pensionen afgjort?"})
    assert asked.status_code == 302
    question = Question.objects.get(subject="Folkepension")
    assert question.organisation.municipality_id == 751 and question.case == ft["cases"][1]
    assert question.due_on == answer_deadline(today)
    assert question.task.authority == Authority.UDK and question.task.due_on == question.due_on
    assert "Lene Skov" in question.task.description
    # A question about a matter without a case.
    client.post(found["Location"], {"case": "ingen", "subject": "Boligstøtte?", "body": "Kan Jan søge?"})
    general = Question.objects.get(subject="Boligstøtte?")
    assert general.case is None and general.citizen == ft["jan"] and general.task.authority == Authority.UDK
    assert "Boligstøtte?" in client.get(found["Location"]).content.decode()


def test_a_caseworker_of_another_municipality_finds_nobody(client, ft, copenhagen_caseworker):
    client.force_login(copenhagen_caseworker)
    page = client.post("/kvik-linje/", {"cpr": ft["jan"].cpr})
    assert page.status_code == 200 and "Vi fandt ingen borger" in page.content.decode()
    assert client.get(f"/kvik-linje/opslag/{ft['jan'].pk}/").status_code == 404
    assert not AuditRecord.objects.filter(citizen_uuid=ft["jan"].pk, actor=copenhagen_caseworker).exists()


def test_a_user_organisations_worker_sees_only_citizens_who_consented(client, ft, member, jan_kontanthjaelp):
    from tests.factories import fictional_cpr

    client.force_login(member)
    unknown = client.post("/kvik-linje/", {"cpr": fictional_cpr(datetime.date(1990, 1, 2), "M")}).content.decode()
    no_consent = client.post("/kvik-linje/", {"cpr": ft["karen"].cpr}).content.decode()
    assert "Vi fandt ingen borger" in unknown and "Vi fandt ingen borger" in no_consent
    assert "Skriv et gyldigt CPR-nummer" in client.post("/kvik-linje/", {"cpr": "12345"}).content.decode()
    assert client.get(f"/kvik-linje/opslag/{ft['karen'].pk}/").status_code == 404
    found = client.post("/kvik-linje/", {"cpr": ft["jan"].cpr})
    page = client.get(found["Location"]).content.decode()
    assert "samtykke til Hus Forbi" in page and ft["cases"][0].reference in page
    assert jan_kontanthjaelp.reference not in page
    client.post(found["Location"], {"case": str(ft["cases"][0].pk), "subject": "Hvornår?", "body": "Boligstøtten."})
    question = Question.objects.get(subject="Hvornår?")
    assert question.organisation == ft["husforbi"] and question.key is None
    # Udbetaling Danmark's answer shows on the worker's page.
    udk = UserFactory(role=Role.UDK_STAFF)
    services.answer_question(question=question, answer="Den 1. i måneden.", actor=udk)
    assert "Den 1. i måneden." in client.get(found["Location"]).content.decode()
    # After the citizen revokes, the worker sees the citizen no more.
    services.revoke_consent(consent=ft["consent"], actor=member)
    assert client.get(found["Location"]).status_code == 404


def test_a_consent_for_questions_only_shows_no_case_statuses(client, ft, member, today):
    services.revoke_consent(consent=ft["consent"], actor=member)
    services.register_consent(citizen=ft["jan"], organisation=ft["husforbi"], kind="samtykke", scopes=["questions"],
                              valid_from=today, valid_until=today, actor=ft["staff"])
    client.force_login(member)
    page = client.get(f"/kvik-linje/opslag/{ft['jan'].pk}/").content.decode()
    assert "giver ikke lov til at se status" in page and "Under behandling" not in page
    assert ft["cases"][0].reference not in page  # not even in the question form


def test_the_citizen_page_is_not_for_citizens_or_udk(client, ft, citizen_with_login):
    client.force_login(citizen_with_login.user)
    assert client.get("/kvik-linje/").status_code == 403
    assert client.get(f"/kvik-linje/opslag/{ft['jan'].pk}/").status_code == 403


# --- Consent in self-service -----------------------------------------------------------------

def test_a_citizen_gives_sees_and_revokes_a_consent(client, ft, citizen_with_login, today):
    karen = citizen_with_login
    client.force_login(karen.user)
    mine = client.get("/mit/").content.decode()
    assert "Giv en organisation samtykke" in mine and "ikke se dine sager i kommunen" in mine
    form = client.get("/kvik-linje/mine-samtykker/").content.decode()
    assert "Hus Forbi" in form and "Aarhus Kommune" not in form  # user organisations only
    too_long = client.post("/kvik-linje/mine-samtykker/", {
        "organisation": ft["sand"].pk, "scopes": "case-status questions",
        "valid_until": (today + datetime.timedelta(days=3 * 365)).isoformat()})
    assert "højst gælde i 2 år" in too_long.content.decode() and not Consent.objects.filter(citizen=karen).exists()
    municipality = client.post("/kvik-linje/mine-samtykker/", {
        "organisation": ft["aarhus"].pk, "scopes": "case-status", "valid_until": today.isoformat()})
    assert "Vælg en organisation fra listen." in municipality.content.decode()
    given = client.post("/kvik-linje/mine-samtykker/", {
        "organisation": ft["sand"].pk, "scopes": "case-status questions",
        "valid_until": (today + datetime.timedelta(days=180)).isoformat()})
    assert given.status_code == 302
    again = client.post("/kvik-linje/mine-samtykker/", {  # a double click
        "organisation": ft["sand"].pk, "scopes": "case-status questions",
        "valid_until": (today + datetime.timedelta(days=180)).isoformat()})
    assert again.status_code == 302 and again["Location"] == given["Location"]
    consent = Consent.objects.get(citizen=karen)  # one consent, not one revoked and one new
    assert consent.given_via == ConsentChannel.SELF_SERVICE and consent.registered_by == karen.user
    assert consent.valid_from == today and consent.scope_set == {"case-status", "questions"}
    assert post(client, "/api/v1/fasttrack/cases/lookup", {"cpr": karen.cpr}, ft["keys"]["sand"]).status_code == 200
    page = client.get("/kvik-linje/mine-samtykker/").content.decode()
    assert "SAND" in page and "Tilbagekald" in page
    revoked = client.post(f"/kvik-linje/samtykke/{consent.pk}/tilbagekald/")
    assert revoked["Location"] == "/kvik-linje/mine-samtykker/"
    again = client.post(f"/kvik-linje/samtykke/{consent.pk}/tilbagekald/", follow=True)  # a double click
    assert "er tilbagekaldt" in again.content.decode() and "allerede" not in again.content.decode()
    assert post(client, "/api/v1/fasttrack/cases/lookup", {"cpr": karen.cpr}, ft["keys"]["sand"]).status_code == 404


def test_only_the_citizen_gives_their_own_consent(ft, citizen_with_login, today):
    other = UserFactory(role=Role.CITIZEN)
    with pytest.raises(ValidationError, match="kun give samtykke for dig selv"):
        services.give_consent(citizen=citizen_with_login, organisation=ft["sand"], scopes=["case-status"],
                              valid_until=today, actor=other, today=today)
    with pytest.raises(ValidationError, match="brugerorganisation"):
        services.give_consent(citizen=citizen_with_login, organisation=ft["aarhus"], scopes=["case-status"],
                              valid_until=today, actor=citizen_with_login.user, today=today)


def test_staff_still_register_a_consent_given_on_paper(ft):
    assert ft["consent"].given_via == ConsentChannel.PAPER


def test_giving_consent_again_replaces_the_one_in_force(ft, citizen_with_login, today):
    for days in (30, 90):
        services.give_consent(citizen=citizen_with_login, organisation=ft["sand"], scopes=["case-status"],
                              valid_until=today + datetime.timedelta(days=days), actor=citizen_with_login.user,
                              today=today)
    in_force = [c for c in Consent.objects.filter(citizen=citizen_with_login) if c.is_active(today)]
    assert len(in_force) == 1 and in_force[0].valid_until == today + datetime.timedelta(days=90)


# --- Key statistics -------------------------------------------------------------------------------

def test_key_statistics_agree_a_revoked_key_tried_today_was_used_today(client, ft, member):
    key = ft["keys"]["husforbi"]
    services.revoke_key(key=key.key)
    assert client.get("/api/v1/fasttrack/me", **key.headers).status_code == 401
    client.force_login(member)
    page = client.get("/kvik-linje/").content.decode()
    row = page[page.index(f"hlk_{key.key.prefix}"):]
    row = row[:row.index("</tr>")]
    assert "<td>1</td>" in row and "Aldrig" not in row
    assert timezone.localtime().strftime("%H.%M")[:2] in row  # last used: today, this hour


def test_calls_today_count_from_midnight_danish_time(ft, today):
    from helhed.core.calendar import COPENHAGEN

    key = ft["keys"]["husforbi"].key
    just_after_midnight = datetime.datetime.combine(today, datetime.time(0, 30), tzinfo=COPENHAGEN)
    midnight = datetime.datetime.combine(today, datetime.time(0, 0), tzinfo=COPENHAGEN)
    just_before = midnight - datetime.timedelta(minutes=1)
    KeyUsage.objects.create(key=key, minute=int(just_after_midnight.timestamp()) // 60, calls=4)
    KeyUsage.objects.create(key=key, minute=int(just_before.timestamp()) // 60, calls=7)
    (row,) = selectors.key_rows(organisation=ft["husforbi"], now=timezone.now())
    assert row.calls_today == 4 and row.calls_30_days == 11
    assert row.last_used == just_after_midnight
