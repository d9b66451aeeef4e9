"""Udbetaling Danmark's guidance on the record (seed 004: UDK's phone and digital support;
a complaint about missing guidance is decided on what guidance was given): UDK staff log a
contact from the citizen's page, it shows on the overview and where complaints are handled,
only UDK writes, roles that see the citizen read, and the log cannot be changed."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError

from helhed.casework.models import Authority, BenefitArea, Task, TaskKind
from helhed.casework.services import open_case
from helhed.core.models import AuditRecord
from helhed.core.services import create_api_token
from helhed.intake import services
from helhed.intake.models import GuidanceChannel, GuidanceContact, Referral
from tests.factories import make_citizen


@pytest.fixture
def erik(db):
    return make_citizen(municipality=751, first_name="Erik", last_name="Sørensen", sex="M",
                        birth_date=datetime.date(1950, 6, 3))


def form(today, **extra):
    data = {"channel": "phone", "contacted_on": today.isoformat(), "benefit_area": "boligstoette",
            "topic": "Kan jeg få boligstøtte?", "advice": "Ja, søg på papir; vi sender en blanket.", "refer": "nej",
            "referral_reason": ""}
    return {**data, **extra}


def test_udk_records_guidance_from_the_citizens_page_and_it_shows_on_the_overview(client, udk, erik, today):
    client.force_login(udk)
    overview = client.get(f"/borgere/{erik.pk}/").content.decode()
    assert "Vejledning fra Udbetaling Danmark" in overview
    assert f"/ansoegninger/borgere/{erik.pk}/vejledning/ny/" in overview
    assert client.get(f"/ansoegninger/borgere/{erik.pk}/vejledning/ny/").status_code == 200
    response = client.post(f"/ansoegninger/borgere/{erik.pk}/vejledning/ny/", form(today))
    assert response.status_code == 302 and response["Location"] == f"/borgere/{erik.pk}/"
    g = GuidanceContact.objects.get(citizen=erik)
    assert (g.channel, g.benefit_area, g.recorded_by, g.contacted_on) == ("phone", "boligstoette", udk, today)
    assert not g.referred_to_municipality and g.referral is None
    overview = client.get(f"/borgere/{erik.pk}/").content.decode()
    assert "Kan jeg få boligstøtte?" in overview and "vi sender en blanket" in overview
    assert AuditRecord.objects.filter(citizen_uuid=erik.pk, actor=udk,
                                      what__contains="Vejledning fra UDK").exists()


def test_a_referral_to_the_municipality_follows_in_the_same_step(client, udk, erik, today):
    client.force_login(udk)
    client.post(f"/ansoegninger/borgere/{erik.pk}/vejledning/ny/",
                form(today, refer="ja", referral_reason="Erik forstår ikke brevene og har ingen computer."))
    g = GuidanceContact.objects.get(citizen=erik)
    assert g.referred_to_municipality and g.referral is not None
    referral = Referral.objects.get(citizen=erik)
    assert referral == g.referral and referral.municipality_id == 751
    assert referral.reason == "Erik forstår ikke brevene og har ingen computer."
    task = Task.objects.get(kind=TaskKind.REFERRAL, citizen=erik)
    assert task.authority == Authority.MUNICIPALITY


def test_bad_input_gets_danish_errors_and_keeps_what_was_typed(client, udk, erik, today):
    client.force_login(udk)
    page = client.post(f"/ansoegninger/borgere/{erik.pk}/vejledning/ny/", form(today, advice="")).content.decode()
    assert "Skriv, hvad borgeren blev vejledt om." in page and "Kan jeg få boligstøtte?" in page
    future = form(today, contacted_on=(today + datetime.timedelta(days=1)).isoformat())
    page = client.post(f"/ansoegninger/borgere/{erik.pk}/vejledning/ny/", future).content.decode()
    assert "Kontakten kan ikke ligge efter i dag." in page
    old = form(today, contacted_on=(today - datetime.timedelta(days=60)).isoformat())
    page = client.post(f"/ansoegninger/borgere/{erik.pk}/vejledning/ny/", old).content.decode()
    assert "senest 14 dage efter" in page
    bad_channel = form(today, channel="brevdue")
    assert "Vælg en kanal fra listen." in client.post(
        f"/ansoegninger/borgere/{erik.pk}/vejledning/ny/", bad_channel).content.decode()
    assert not GuidanceContact.objects.exists()


def test_only_udk_writes(client, erik, aarhus_caseworker, today):
    client.force_login(aarhus_caseworker)
    assert client.get(f"/ansoegninger/borgere/{erik.pk}/vejledning/ny/").status_code == 403
    assert client.post(f"/ansoegninger/borgere/{erik.pk}/vejledning/ny/", form(today)).status_code == 403
    with pytest.raises(ValidationError, match="Kun Udbetaling Danmark"):
        services.record_guidance(actor=aarhus_caseworker, citizen=erik, contacted_on=today, channel="phone",
                                 topic="x", advice="y", today=today)
    assert "/vejledning/ny/" not in client.get(f"/borgere/{erik.pk}/").content.decode()
    assert not GuidanceContact.objects.exists()


def test_roles_that_see_the_citizen_read_and_others_do_not(client, udk, erik, aarhus_caseworker,
                                                          copenhagen_caseworker, today):
    services.record_guidance(actor=udk, citizen=erik, contacted_on=today, channel=GuidanceChannel.LETTER,
                             topic="Folkepension", advice="Søg tre måneder før.", today=today)
    client.force_login(aarhus_caseworker)
    overview = client.get(f"/borgere/{erik.pk}/").content.decode()
    assert "Folkepension" in overview and "Søg tre måneder før." in overview
    full = client.get(f"/ansoegninger/borgere/{erik.pk}/vejledning/")
    assert full.status_code == 200 and "Hanne Berg" in full.content.decode()
    assert "Registrér vejledning" not in full.content.decode()
    assert AuditRecord.objects.filter(citizen_uuid=erik.pk, actor=aarhus_caseworker, what__contains="1 kontakter")
    client.force_login(copenhagen_caseworker)
    assert client.get(f"/ansoegninger/borgere/{erik.pk}/vejledning/").status_code == 404
    assert not AuditRecord.objects.filter(citizen_uuid=erik.pk, actor=copenhagen_caseworker).exists()


def test_the_citizen_sees_the_guidance_given_to_them(client, udk, karen, today):
    services.record_guidance(actor=udk, citizen=karen, contacted_on=today, channel=GuidanceChannel.PHONE,
                             topic="Boligstøtte", advice="Send lejekontrakten.", today=today)
    client.force_login(karen.user)
    mine = client.get("/mit/").content.decode()
    assert "Send lejekontrakten." in mine and "Registreret af" not in mine
    assert client.get(f"/ansoegninger/borgere/{karen.pk}/vejledning/").status_code == 403


def test_the_log_cannot_be_changed_or_deleted(udk, erik, today):
    g = services.record_guidance(actor=udk, citizen=erik, contacted_on=today, channel=GuidanceChannel.PHONE,
                                 topic="x", advice="y", today=today)
    g.advice = "ændret"
    with pytest.raises(PermissionError):
        g.save()
    with pytest.raises(PermissionError):
        GuidanceContact.objects.filter(pk=g.pk).update(advice="ændret")
    with pytest.raises(PermissionError):
        g.delete()


def test_the_case_page_links_complaints_to_the_guidance(client, udk, erik, aarhus_caseworker, today):
    case = open_case(citizen=erik, benefit_area=BenefitArea.BOLIGSTOETTE, opened_on=today, actor=None)
    client.force_login(udk)
    page = client.get(f"/sager/{case.pk}/").content.decode()
    section = page[page.index('id="klager"'):]
    assert f"/ansoegninger/borgere/{erik.pk}/vejledning/" in section


def test_the_api_records_and_lists_guidance(client, udk, erik, aarhus_caseworker, copenhagen_caseworker, today):
    _, udk_secret = create_api_token(user=udk, name="telefonsystem")
    body = {"citizen_id": str(erik.pk), "contacted_on": today.isoformat(), "channel": "phone",
            "benefit_area": "folkepension", "topic": "Pension", "advice": "Søg digitalt eller på papir."}
    made = client.post("/api/v1/guidance", json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {udk_secret}")
    assert made.status_code == 201 and made.json()["recorded_by"] == "Hanne Berg"
    bad = client.post("/api/v1/guidance", json.dumps({**body, "advice": " "}), content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {udk_secret}")
    assert bad.status_code == 422 and "vejledt" in bad.json()["detail"]
    _, aarhus_secret = create_api_token(user=aarhus_caseworker, name="fagsystem")
    refused = client.post("/api/v1/guidance", json.dumps(body), content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {aarhus_secret}")
    assert refused.status_code == 403
    listed = client.get(f"/api/v1/citizens/{erik.pk}/guidance", HTTP_AUTHORIZATION=f"Bearer {aarhus_secret}")
    assert listed.status_code == 200 and [g["topic"] for g in listed.json()] == ["Pension"]
    _, kbh_secret = create_api_token(user=copenhagen_caseworker, name="fagsystem")
    assert client.get(f"/api/v1/citizens/{erik.pk}/guidance",
                      HTTP_AUTHORIZATION=f"Bearer {kbh_secret}").status_code == 404
    assert GuidanceContact.objects.count() == 1
