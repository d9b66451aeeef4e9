"""The pages: the citizen's step-by-step form without JavaScript, staff registration with a
hidden token (a double submit makes one application), permissions and audit."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.intake.models import Application, Channel
from helhed.registry import services as registry
from tests.factories import UserFactory
from tests.intake.conftest import PDF


def test_citizen_applies_step_by_step_with_a_draft(client, karen):
    client.force_login(karen.user)
    response = client.post(reverse("intake:new"), {"benefit_area": "folkepension"})
    draft = Application.objects.get()
    assert response.url == reverse("intake:draft", args=[draft.pk])
    response = client.post(reverse("intake:draft", args=[draft.pk]), {"starts_on": "2026-12-01", "gem": "1"})
    draft.refresh_from_db()
    assert draft.answers["starts_on"] == "2026-12-01" and draft.is_draft
    response = client.post(reverse("intake:draft", args=[draft.pk]), {"starts_on": "2026-12-01"})
    assert response.status_code == 200 and "Svar på spørgsmålet" in response.content.decode()
    response = client.post(reverse("intake:draft", args=[draft.pk]),
                           {"starts_on": "2026-12-01", "years_in_denmark": "45", "cohabiting": "ja"})
    assert response.url == reverse("intake:review", args=[draft.pk])
    assert "45" in client.get(response.url).content.decode()
    client.post(reverse("intake:review", args=[draft.pk]))
    client.post(reverse("intake:review", args=[draft.pk]))  # a double click
    draft.refresh_from_db()
    assert not draft.is_draft and draft.case is not None and Application.objects.count() == 1
    assert draft.case.reference in client.get(reverse("intake:detail", args=[draft.pk])).content.decode()


def test_the_citizen_is_du_on_her_own_pages(client, counter, karen):
    """Her own application, her list, her read log and her assessment speak to her ("du",
    "dig", "din"), never of her as "borgeren" (docs/sprog.md)."""
    client.force_login(counter)
    client.post(reverse("intake:assess", args=[karen.pk]), {
        "citizen_description": "Jeg kan ikke finde ud af skærmen.", "factors": ["digital"],
        "conclusion": "special_needs", "reasoning": "Hun har brug for hjælp.", "contact_person": str(counter.pk),
        "assessed_on": "2026-11-24", "review_on": "2027-11-24"})
    client.force_login(karen.user)
    client.post(reverse("intake:new"), {"benefit_area": "folkepension"})
    app = Application.objects.get()
    client.post(reverse("intake:draft", args=[app.pk]),
                {"starts_on": "2026-12-01", "years_in_denmark": "45", "cohabiting": "ja"})
    client.post(reverse("intake:review", args=[app.pk]))
    pages = {url: client.get(url).content.decode() for url in (
        reverse("intake:detail", args=[app.pk]), reverse("intake:my_applications"), reverse("registry:my_log"),
        reverse("intake:assessment", args=[karen.needs_assessments.get().pk]))}
    for url, page in pages.items():
        main = re.search(r"<main.*</main>", page, re.DOTALL).group(0)
        assert "borgeren" not in main.lower(), f"{url} speaks of the citizen as borgeren"
    assert "Indsendt af</dt><dd>Dig selv" in pages[reverse("intake:detail", args=[app.pk])]
    assert "Din egen beskrivelse" in pages[reverse("intake:assessment", args=[karen.needs_assessments.get().pk])]


def test_staff_paper_registration_double_submit_creates_one(client, udk, karen):
    client.force_login(udk)
    url = reverse("intake:register", args=[karen.pk]) + "?ydelse=folkepension"
    page = client.get(url).content.decode()
    assert 'name="idempotency_key"' in page
    token = page.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {"idempotency_key": token, "channel": "paper", "received_on": "2026-11-20", "submitted_by": "citizen",
            "help_kind": "scanned", "benefit_area": "folkepension", "svar-starts_on": "2026-12-01",
            "svar-years_in_denmark": "40", "svar-cohabiting": "nej"}
    for _ in range(2):
        response = client.post(url, {**data, "attachment": SimpleUploadedFile("s.pdf", PDF)})
        assert response.status_code == 302
    assert Application.objects.filter(channel=Channel.PAPER).count() == 1
    assert AuditRecord.objects.filter(citizen_uuid=karen.pk, actor=udk).exists()


def test_staff_registration_keeps_input_on_error(client, udk, karen):
    client.force_login(udk)
    url = reverse("intake:register", args=[karen.pk]) + "?ydelse=folkepension"
    response = client.post(url, {"channel": "phone", "received_on": "2026-11-20", "submitted_by": "citizen",
                                 "help_kind": "none", "benefit_area": "folkepension", "svar-starts_on": "2026-12-01",
                                 "svar-years_in_denmark": "40", "svar-cohabiting": "nej", "idempotency_key": "t"})
    body = response.content.decode()
    assert response.status_code == 200 and "Skriv et notat om samtalen" in body and 'value="40"' in body


@pytest.mark.parametrize("name", ["register", "assess", "staff_representations", "exemption", "refer"])
def test_staff_of_another_municipality_gets_not_found(client, karen, name):
    client.force_login(UserFactory(role=Role.CASEWORKER, municipalities=[101]))
    response = client.get(reverse(f"intake:{name}", args=[karen.pk]))
    assert response.status_code in (403, 404)
    assert not AuditRecord.objects.filter(citizen_uuid=karen.pk).exists()


@pytest.mark.parametrize("name", ["index", "referrals", "statistics"])
def test_citizens_cannot_open_staff_pages(client, karen, name):
    client.force_login(karen.user)
    assert client.get(reverse(f"intake:{name}")).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    assert "log-ind" in client.get(reverse("intake:my_applications")).url


def test_assessment_page_shows_the_citizens_own_words(client, counter, karen):
    client.force_login(counter)
    response = client.post(reverse("intake:assess", args=[karen.pk]), {
        "citizen_description": "Jeg kan ikke finde ud af skærmen.", "factors": ["digital", "age"],
        "conclusion": "special_needs", "reasoning": "Borgerens beskrivelse vægter tungt.",
        "contact_person": str(counter.pk), "assessed_on": "2026-11-24", "review_on": "2027-11-24"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Jeg kan ikke finde ud af skærmen." in page and "betydelig vægt" in page
    form = client.get(reverse("intake:assess", args=[karen.pk])).content.decode()
    assert "betydelig vægt" in form


def test_citizen_grants_by_cpr_and_revokes(client, karen, mette):
    client.force_login(karen.user)
    response = client.post(reverse("intake:my_representations"), {
        "representative_cpr": mette.cpr, "scope_kind": "read_only", "valid_from": "2026-01-01"})
    assert response.status_code == 302
    rep = karen.representations.get()
    assert rep.scope_kind == "read_only" and mette.cpr not in response.url
    client.force_login(mette.user)
    helping = client.get(reverse("intake:helping")).content.decode()
    assert "Karen Holm" in helping
    page = client.get(reverse("intake:helping_citizen", args=[karen.pk])).content.decode()
    assert "kun ret til at se" in page
    assert client.post(reverse("intake:new_for", args=[karen.pk]), {"benefit_area": "folkepension"}).status_code == 200
    assert not Application.objects.exists()
    client.force_login(karen.user)
    client.post(reverse("intake:revoke", args=[rep.pk]))
    again = client.post(reverse("intake:revoke", args=[rep.pk]), follow=True)  # a double click
    assert "Fuldmagten er tilbagekaldt." in again.content.decode() and "allerede" not in again.content.decode()
    rep.refresh_from_db()
    assert rep.revoked_at is not None and rep.revoked_by == karen.user
    client.force_login(mette.user)
    assert client.get(reverse("intake:helping_citizen", args=[karen.pk])).status_code == 404


def test_exemption_form_defaults_the_end_date(client, counter, karen):
    client.force_login(counter)
    response = client.post(reverse("intake:exemption", args=[karen.pk]), {
        "ground": "no_internet", "registered_on": "2026-11-24", "who_came": "citizen",
        "declaration": SimpleUploadedFile("erklaering.pdf", PDF)})
    assert response.status_code == 302
    assert karen.digital_post_exemptions.get().expires_on == datetime.date(2028, 11, 1)


def test_referral_answered_by_the_municipality(client, udk, counter, karen):
    client.force_login(udk)
    response = client.post(reverse("intake:refer", args=[karen.pk]), {"reason": "Forstår ikke brevene.",
                                                                      "idempotency_key": "abc"})
    referral = karen.referrals.get()
    client.force_login(counter)
    assert karen.full_name in client.get(reverse("intake:referrals")).content.decode()
    assert "Forstår ikke brevene." in client.get(reverse("intake:referral", args=[referral.pk])).content.decode()
    client.post(reverse("intake:referral", args=[referral.pk]), {"outcome": "accept", "answer": "Vi tager den."})
    referral.refresh_from_db()
    assert referral.status == "accepted" and response.status_code == 302


def test_api_create_is_idempotent_and_audited(client, udk, karen):
    client.force_login(udk)
    body = {"citizen_id": str(karen.pk), "benefit_area": "boerne_ungeydelse", "channel": "phone",
            "call_note": "Ringede.", "answers": {"children": "2", "resident": "ja"}}
    first = client.post("/api/v1/applications", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x1")
    second = client.post("/api/v1/applications", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x1")
    assert first.status_code == 201 and second.status_code == 200 and first.json()["id"] == second.json()["id"]
    assert client.post("/api/v1/applications", body, content_type="application/json").status_code == 422
    detail = client.get(f"/api/v1/applications/{first.json()['id']}")
    assert detail.status_code == 200 and AuditRecord.objects.filter(
        citizen_uuid=karen.pk, request_id=detail["X-Request-ID"]).exists()
    other = UserFactory(role=Role.CASEWORKER, municipalities=[101])
    client.force_login(other)
    assert client.get(f"/api/v1/applications/{first.json()['id']}").status_code == 404


def test_api_read_only_representative_cannot_submit(client, karen, mette):
    registry.grant_representation(citizen=karen, representative=mette, valid_from=datetime.date(2026, 1, 1),
                                  scope_kind="read_only")
    client.force_login(mette.user)
    body = {"citizen_id": str(karen.pk), "benefit_area": "boerne_ungeydelse", "channel": "digital",
            "submitted_by": "representative", "representation_id": str(karen.representations.get().pk),
            "answers": {"children": "2", "resident": "ja"}}
    response = client.post("/api/v1/applications", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="y")
    assert response.status_code == 422 and not Application.objects.exists()
    assert client.get(f"/api/v1/applications?citizen_id={karen.pk}").status_code == 200


def test_overview_sections_for_staff_and_the_citizen(client, counter, karen, mette):
    rep = registry.grant_representation(citizen=karen, representative=mette, valid_from=datetime.date(2026, 1, 1))
    from django.utils import timezone

    from helhed.intake import services
    draft = services.start_draft(actor=mette.user, citizen=karen, benefit_area="boerne_ungeydelse",
                                 today=timezone.localdate())
    services.save_draft_answers(draft=draft, actor=mette.user, answers={"children": "1", "resident": "ja"})
    services.submit_draft(draft=draft, actor=mette.user, today=timezone.localdate(), now=timezone.now())
    client.force_login(counter)
    page = client.get(reverse("registry:overview", args=[karen.pk])).content.decode()
    assert "Ny helhedsvurdering" in page and "Registrér en ansøgning" in page and "Mette Lund" in page
    client.force_login(karen.user)
    mine = client.get(reverse("registry:my_data")).content.decode()
    assert "sendt af Mette Lund med fuldmagt" in mine
    assert AuditRecord.objects.filter(citizen_uuid=karen.pk, actor=mette.user).exists()
    assert rep.is_active(timezone.localdate())


def _filled_draft(client, karen):
    client.force_login(karen.user)
    client.post(reverse("intake:new"), {"benefit_area": "folkepension"})
    draft = Application.objects.get()
    client.post(reverse("intake:draft", args=[draft.pk]),
                {"starts_on": "2026-12-01", "years_in_denmark": "45", "cohabiting": "ja"})
    return draft


def test_a_double_click_on_send_lands_twice_on_the_same_receipt(client, karen):
    draft = _filled_draft(client, karen)
    first = client.post(reverse("intake:review", args=[draft.pk]))
    second = client.post(reverse("intake:review", args=[draft.pk]))
    receipt = reverse("intake:detail", args=[draft.pk])
    assert (first.status_code, first.url) == (302, receipt)
    assert (second.status_code, second.url) == (302, receipt)
    assert Application.objects.count() == 1 and Application.objects.get().case is not None
    # The back button to the questions after sending lands on the receipt too.
    assert client.post(reverse("intake:draft", args=[draft.pk]), {"starts_on": "2026-12-01"}).url == receipt


def test_the_receipt_says_what_happens_now_and_marks_every_step_done(client, karen):
    draft = _filled_draft(client, karen)
    client.post(reverse("intake:review", args=[draft.pk]))
    page = client.get(reverse("intake:detail", args=[draft.pk])).content.decode()
    assert "Hvad sker der nu?" in page and "14 dage til at svare" in page
    assert page.count("Gennemført") == 3
    assert '<li class="current"><div class="step" aria-current="step">' in page and "Kvittering" in page


@pytest.mark.parametrize(("url_name", "step", "title"), [
    ("intake:new", 1, "Vælg ydelse"), ("intake:draft", 2, "Besvar spørgsmål"),
    ("intake:review", 3, "Gennemse og send")])
def test_each_step_page_marks_its_own_step_current_and_the_earlier_ones_done(client, karen, url_name, step, title):
    draft = _filled_draft(client, karen)
    page = client.get(reverse(url_name, args=[] if url_name == "intake:new" else [draft.pk])).content.decode()
    current = page.split('aria-current="step"')
    assert len(current) == 2 and title in current[1].split("</li>")[0]
    assert page.count("Gennemført") == step - 1
    assert f"Trin {step} af 4" in page


def test_a_double_click_on_the_first_step_makes_one_draft(client, karen):
    client.force_login(karen.user)
    first = client.post(reverse("intake:new"), {"benefit_area": "folkepension"})
    second = client.post(reverse("intake:new"), {"benefit_area": "folkepension"})
    draft = Application.objects.get()
    assert first.url == second.url == reverse("intake:draft", args=[draft.pk])


def test_a_fuldmagt_given_twice_is_one_fuldmagt(client, karen, mette):
    client.force_login(karen.user)
    data = {"representative_cpr": mette.cpr, "scope_kind": "read_only", "valid_from": "2026-01-01"}
    first = client.post(reverse("intake:my_representations"), data)
    second = client.post(reverse("intake:my_representations"), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert karen.representations.count() == 1
