"""The partnership's aggregate figures: never a citizen, small counts suppressed, the same
figures on the screen, in the API and in the PDF report."""

import datetime
import io
import json
import re
import time

import pytest
from pypdf import PdfReader

from helhed.cashaccess import services
from helhed.cashaccess.models import SolutionType
from helhed.cashaccess.selectors import (
    Cell,
    follow_up_report,
    previous_period,
    suppress_small_count,
    suppressed_breakdown,
)
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from tests.cashaccess.conftest import START, arrange, hand_out
from tests.factories import UserFactory, make_citizen

PERIOD = {"fra": "2026-01-01", "til": "2026-10-31"}


@pytest.mark.parametrize(("n", "shown"), [(0, None), (1, None), (4, None), (5, 5), (120, 120)])
def test_counts_below_five_are_suppressed(n, shown):
    assert suppress_small_count(n) == shown
    assert Cell(shown).label == (str(n) if shown else "<5")


def test_one_small_cell_hides_the_next_smallest_so_it_cannot_be_derived_from_the_total():
    cells = suppressed_breakdown({"a": 20, "b": 7, "c": 3})
    assert cells["a"] == Cell(20)
    assert cells["b"] == Cell(None, complementary=True) and cells["b"].label == "skjult"
    assert cells["c"] == Cell(None)
    two_small = suppressed_breakdown({"a": 20, "b": 2, "c": 3})
    assert two_small["a"] == Cell(20) and two_small["b"].label == two_small["c"].label == "<5"


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    assert previous_period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) == (
        datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


@pytest.fixture
def country(kbh_caseworker):
    """Copenhagen: six citizens at the partner bank, each with a hand-out in March.
    Odense: two citizens with payment cards. Aarhus: a bank-tender requirement."""
    outreach = services.record_solution(municipality_id=101, actor=kbh_caseworker, name="Partnerbank",
                                        kind=SolutionType.PARTNER_BANK_OUTREACH, provider="Fiktiv Sparekasse",
                                        starts_on=START)
    cards = services.record_solution(municipality_id=461, actor=None, kind=SolutionType.PAYMENT_CARD_HANDLING,
                                     name="Kort i Borgerservice", provider="Odense Kommune", starts_on=START,
                                     card_kept_by="Borgerservice", handout_place="i Borgerservice")
    services.record_solution(municipality_id=751, actor=None, kind=SolutionType.BANK_TENDER, name="Bankudbud",
                             provider="Aarhus Kommune", starts_on=START, requirement_text="Betjent kasse",
                             bank="Fiktiv Bank", contract_starts_on=START,
                             contract_ends_on=datetime.date(2029, 12, 31))
    citizens = []
    for i in range(6):
        c = make_citizen(municipality=101, first_name="Borger", last_name=f"Københavnsen{i}", nemkonto="missing")
        a = arrange(c, outreach, kbh_caseworker)
        hand_out(a, kbh_caseworker, handed_out_on=datetime.date(2026, 3, 2))
        citizens.append(c)
    odense_worker = UserFactory(role=Role.BORGERSERVICE, municipalities=[461])
    for i in range(2):
        c = make_citizen(municipality=461, first_name="Borger", last_name=f"Odensesen{i}")
        a = arrange(c, cards, odense_worker, payout_route="payment_card")
        hand_out(a, odense_worker, handed_out_on=datetime.date(2026, 4, 2), kind="card", amount=None,
                 card="Visa Debit")
        citizens.append(c)
    return citizens


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&lt;", "<")


def test_partnership_members_see_the_indicators_with_small_counts_suppressed(client, partner, country):
    client.force_login(partner)
    response = client.get("/kontantadgang/opfoelgning/", PERIOD)
    text = _text(response.content.decode())
    assert response.status_code == 200
    assert "Kontanter i partnerbank med gadeplansmedarbejder 6" in text
    assert "Håndtering og udlevering af betalingskort <5" in text
    assert "Borgere med en kontantordning 8" in text
    assert "Kommuner med krav om kontantadgang i bankudbuddet 1" in text
    assert "marts 2026 6" in text and "april 2026 <5" in text
    assert "Odense <5" in text and "København 6" in text


def test_the_aggregate_pages_never_show_a_citizen(client, partner, country):
    client.force_login(partner)
    bodies = [client.get("/kontantadgang/opfoelgning/", PERIOD).content.decode(),
              client.get("/api/v1/cashaccess/indicators", PERIOD).content.decode()]
    for citizen in country:
        for body in bodies:
            assert citizen.last_name not in body and citizen.cpr not in body and str(citizen.pk) not in body
    assert not AuditRecord.objects.exists()  # nothing about a citizen was read
    assert "2" not in json.dumps([m["citizens_with_arrangement"] for m in json.loads(bodies[1])["municipalities"]])


def test_the_api_gives_null_for_suppressed_figures(client, partner, country):
    client.force_login(partner)
    data = client.get("/api/v1/cashaccess/indicators", PERIOD).json()
    kinds = {row["key"]: row["count"] for row in data["citizens_by_solution_kind"]}
    assert kinds["partner_bank_outreach"] == 6 and kinds["payment_card_handling"] is None
    assert data["citizens_with_arrangement"] == 8 and data["municipalities_with_bank_tender"] == 1
    by_code = {m["code"]: m for m in data["municipalities"]}
    assert by_code[461]["citizens_with_arrangement"] is None and by_code[101]["handouts"] == 6
    assert [m["code"] for m in data["municipalities"]][0] == 101


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.UDK_STAFF, Role.ADMINISTRATOR, Role.CITIZEN,
                                  Role.POOL_OFFICER])
def test_only_partnership_members_see_the_follow_up(client, country, role):
    client.force_login(UserFactory(role=role, municipalities=[101], is_superuser=role == Role.ADMINISTRATOR))
    assert client.get("/kontantadgang/opfoelgning/").status_code == 403
    assert client.get("/kontantadgang/opfoelgning/rapport.pdf").status_code == 403
    assert client.get("/api/v1/cashaccess/indicators").status_code == 403


def test_a_partnership_member_sees_no_citizen_page(client, partner, country):
    client.force_login(partner)
    assert client.get(f"/borgere/{country[0].pk}/").status_code == 403
    assert client.get("/kontantadgang/ordninger/").status_code == 403
    assert client.get("/kontantadgang/loesninger/").status_code == 403


def test_the_report_pdf_has_the_same_figures_as_the_screen(client, partner, country):
    client.force_login(partner)
    screen = _text(client.get("/kontantadgang/opfoelgning/", PERIOD).content.decode())
    started = time.perf_counter()
    response = client.get("/kontantadgang/opfoelgning/rapport.pdf", PERIOD)
    seconds = time.perf_counter() - started
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="kontantadgang-2026-01-01-2026-10-31.pdf"' in response["Content-Disposition"]
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    pdf = re.sub(r"\s+", " ", pdf)
    report = follow_up_report(user=partner, period_start=datetime.date(2026, 1, 1),
                              period_end=datetime.date(2026, 10, 31))
    figures = [
        f"Borgere med en kontantordning {report.current.citizens_total.label}",
        f"Udleveringer i perioden {report.current.handouts_total.label}",
        f"Kommuner med krav om kontantadgang i bankudbuddet {report.current.municipalities_with_bank_tender}",
        *(f"{row.label} {row.cell.label}" for row in report.current.citizens_by_kind),
        *(f"{row.label} {row.cell.label}" for row in report.current.handouts_by_month),
        *(f"{m.name} {m.citizens.label}" for m in report.current.municipalities),
        *(f"{c.label} {c.before} {c.now} {c.change}" for c in report.development),
    ]
    for figure in figures:
        assert figure in screen, f"screen lacks {figure!r}"
        assert figure in pdf, f"PDF lacks {figure!r}"
    assert "Fiktiv Bank" in pdf and "Københavnsen" not in pdf
    warm = client.get("/kontantadgang/opfoelgning/rapport.pdf", PERIOD)["X-Render-Seconds"]
    print(f"PDF: first request {seconds:.2f} s, warm render {warm} s, {len(response.content)} bytes")


def test_a_bad_period_is_refused(client, partner, country):
    client.force_login(partner)
    response = client.get("/kontantadgang/opfoelgning/", {"fra": "2026-05-01", "til": "2026-01-01"})
    assert response.status_code == 200 and "Slutdatoen ligger før startdatoen" in response.content.decode()
    assert client.get("/api/v1/cashaccess/indicators", {"fra": "2026-05-01", "til": "2026-01-01"}).status_code == 422


def test_the_development_compares_with_the_previous_period(partner, country):
    report = follow_up_report(user=partner, period_start=datetime.date(2026, 1, 1),
                              period_end=datetime.date(2026, 10, 31))
    changes = {c.label: c for c in report.development}
    assert changes["Borgere med en kontantordning"].before == "<5"
    assert changes["Borgere med en kontantordning"].change == "–"  # never the difference to a suppressed figure
    assert changes["Kommuner med krav om kontantadgang i kommunens bankudbud"].change == "+1"
