"""The evaluation export (pseudonymised, status from register periods) and the monthly
reports (idempotent per pool, municipality and month, listed for the municipality)."""

import csv
import datetime
import hashlib
import io
from decimal import Decimal

import duckdb
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from helhed.core.calendar import add_months
from helhed.core.cpr import cpr_blind_index
from helhed.pools import export, outcomes, selectors, services
from helhed.pools.models import MonthlyReport
from helhed.review import services as review
from tests.factories import fictional_cpr
from tests.pools.conftest import AFTER_DEADLINE, apply, approve, evaluate, in_effort, make_pool, resolve

D = datetime.date


def test_months_after():
    assert add_months(D(2017, 1, 31), 6) == D(2017, 7, 31)
    assert add_months(D(2016, 8, 31), 6) == D(2017, 2, 28)
    assert add_months(D(2017, 1, 1), 24) == D(2019, 1, 1)


@pytest.fixture
def evaluated(officer, aarhus_manager, settings, tmp_path):
    """Four Aarhus members in a real register extract: after the reference date 31 December
    2025 one goes to fleksjob, one to førtidspension, one stays on kontanthjælp and one leaves
    all benefits; one Copenhagen member moves on to ressourceforløb."""
    from helhed.register.models import RegisterExtract, TargetGroupMember, TargetGroupResult

    settings.MEDIA_ROOT = tmp_path
    cprs = [fictional_cpr(D(1970, 2, 2 + i)).replace("-", "") for i in range(5)]
    kh = "kontanthjaelp_aktivitetsparat"
    rows = [
        (cprs[0], 751, kh, "2015-01-01", "2026-03-31"), (cprs[0], 751, "fleksjob", "2026-04-01", ""),
        (cprs[1], 751, kh, "2014-01-01", "2026-05-31"), (cprs[1], 751, "foertidspension", "2026-06-01", ""),
        (cprs[2], 751, kh, "2012-01-01", ""),
        (cprs[3], 751, kh, "2010-01-01", "2026-02-28"),
        (cprs[4], 101, kh, "2011-01-01", "2026-01-31"), (cprs[4], 101, "ressourceforloeb", "2026-02-01", ""),
    ]
    content = ("cpr,kommunekode,ydelse,start,slut\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)).encode()
    extract = RegisterExtract(original_name="p.csv", sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                              periods=len(rows), uploaded_by=officer,
                              uploaded_at=datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC))
    extract.file.save("p.csv", ContentFile(content), save=False)
    extract.save()
    result = TargetGroupResult.objects.create(
        extract=extract, rule_name="flere-skal-med-2017", rule_version="1", parameters={}, input_sha256="0" * 64,
        as_of=D(2025, 12, 31), counts={"751": 4, "101": 1}, total=5, periods_read=len(rows), seconds=0.0,
        created_by=officer)
    TargetGroupMember.objects.bulk_create([
        TargetGroupMember(result=result, cpr_index=cpr_blind_index(c), municipality_id=751 if i < 4 else 101,
                          figures={}) for i, c in enumerate(cprs)])
    pool = make_pool(officer, result, total=Decimal(500000))
    for code in (751, 101):
        approve(apply(pool, code), officer)
    services.allocate_pool(pool=pool, actor=officer, now=AFTER_DEADLINE)
    pool.refresh_from_db()
    programme = review.create_programme(actor=aarhus_manager, result=result, municipality_id=751, name="P",
                                        started_on=D(2026, 3, 1))
    outcomes.register_extract(pool=pool, extract=extract, data_as_of=D(2026, 11, 20), actor=officer,
                              today=D(2026, 11, 24))
    cases = list(programme.cases.order_by("number"))
    resolve(cases[0], D(2026, 3, 20))
    in_effort(cases[0], D(2026, 3, 1), D(2026, 3, 31))
    in_effort(cases[0], D(2026, 4, 1), D(2026, 4, 10), kind="mentor")
    return pool, cprs


def test_the_export_has_one_pseudonymised_row_per_member_with_statuses(evaluated):
    pool, cprs = evaluated
    data = export.evaluation_rows(pool=pool, today=D(2026, 11, 24))
    assert data.columns[:3] == ["pseudonym", "kommunekode", "kommune"]
    assert len(data.rows) == 5 and len({r[0] for r in data.rows}) == 5
    text = repr(data.rows)
    for cpr in cprs:
        assert cpr not in text and cpr_blind_index(cpr) not in text
    col = data.columns.index
    six = sorted((r[col("kommunekode")], r[col("status_6_mdr")]) for r in data.rows)
    assert six == [(101, "ressourceforløb"), (751, "fleksjob"), (751, "førtidspension"), (751, "job/uddannelse"),
                   (751, "kontanthjælpssystemet")]
    assert {r[col("status_12_mdr")] for r in data.rows} == {"ikke målt endnu"}  # 31 December 2026 has not come
    worked = next(r for r in data.rows if r[col("gennemgang_status")] == "visiteret")
    assert (worked[col("indsatser")], worked[col("virksomhedsrettede_indsatser")],
            worked[col("dage_i_virksomhedsrettet_indsats")]) == (2, 1, 31)
    assert next(r for r in data.rows if r[1] == 101)[col("gennemgang_status")] == "ingen_gennemgang"
    again = export.evaluation_rows(pool=pool, today=D(2026, 11, 24))
    assert {r[0] for r in again.rows}.isdisjoint({r[0] for r in data.rows})  # a new key for every export
    summary = {r[0]: r for r in data.summary}
    assert summary[751][2:6] == ["..", "..", "..", ".."] and summary[101][2] == ".."  # fewer than 5
    assert summary[""][1:3] == ["Hele landet", 5]


def test_the_command_writes_csv_parquet_and_the_summary(evaluated, tmp_path):
    pool, cprs = evaluated
    out, parquet, summary = tmp_path / "e.csv", tmp_path / "e.parquet", tmp_path / "s.csv"
    call_command("pool", "export", "--pool", str(pool.pk), "--out", str(out), "--summary", str(summary),
                 "--today", "2026-11-24", stdout=io.StringIO())
    call_command("pool", "export", "--pool", str(pool.pk), "--out", str(parquet), "--today", "2026-11-24",
                 stdout=io.StringIO())
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 5 and all(cpr not in out.read_text() for cpr in cprs)
    con = duckdb.connect()
    sql = "SELECT kommunekode, status_6_mdr FROM read_parquet(?) ORDER BY 1, 2"
    table = con.execute(sql, [str(parquet)]).fetchall()
    assert table[0] == (101, "ressourceforløb") and len(table) == 5
    assert list(csv.reader(summary.open(encoding="utf-8")))[0][:3] == ["kommunekode", "kommune", "maalgruppe"]


def test_the_export_pages_for_the_pool_officer(client, evaluated, officer):
    pool, cprs = evaluated
    client.force_login(officer)
    parquet = client.get(reverse("pools:export", args=[pool.pk, "parquet"]))
    assert parquet.status_code == 200 and parquet.content[:4] == b"PAR1"
    assert client.get(reverse("pools:export", args=[pool.pk, "andet"])).status_code == 404


def test_monthly_reports_are_made_once_and_listed_for_the_municipality(evaluated, client, aarhus_caseworker,
                                                                       copenhagen_caseworker, settings):
    settings.POOLS_SMALL_COUNT_THRESHOLD = 1
    pool, _ = evaluated
    out = io.StringIO()
    call_command("pool", "evaluate", "--today", "2026-04-02", stdout=out)
    assert "udbetalt" in out.getvalue()
    call_command("pool", "monthly-reports", "--today", "2026-04-02", stdout=out)
    call_command("pool", "monthly-reports", "--today", "2026-04-20", stdout=out)
    assert MonthlyReport.objects.count() == 2  # Aarhus and Copenhagen, March 2026, once
    assert "0 rapporter dannet, 2 fandtes i forvejen" in out.getvalue()
    report = MonthlyReport.objects.get(municipality_id=751)
    assert report.month == D(2026, 3, 1)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(bytes(report.pdf))).pages)
    assert "Månedsrapport marts 2026: Aarhus" in text
    assert report.figures["resolved"] == 1 and report.figures["resolved_percent"] + " %" in text.replace(",", ".")
    client.force_login(aarhus_caseworker)
    page = client.get(reverse("pools:dashboard", args=[pool.pk, 751])).content.decode()
    assert "Månedsrapport for marts 2026" in page
    download = client.get(reverse("pools:report", args=[report.pk]))
    assert download.status_code == 200 and download.content[:4] == b"%PDF"
    client.force_login(copenhagen_caseworker)
    assert client.get(reverse("pools:report", args=[report.pk])).status_code == 404


def test_a_monthly_report_covers_its_month_only_with_the_data_as_of_its_end(evaluated, settings):
    """Before, the March report made on 20 April counted a case resolved on 1 April, showed
    April as a month and a tranche paid in April."""
    settings.POOLS_SMALL_COUNT_THRESHOLD = 1
    pool, _ = evaluated
    programme = selectors.programme_for(pool, 751)
    cases = list(programme.cases.order_by("number"))
    resolve(cases[1], D(2026, 4, 1))
    evaluate(pool, D(2026, 4, 2))
    services.generate_monthly_reports(pool=pool, today=D(2026, 4, 20))
    report = MonthlyReport.objects.get(municipality_id=751)
    assert report.month == D(2026, 3, 1)
    assert report.figures["resolved"] == 1
    assert [m["month"] for m in report.figures["months"]] == ["2026-03"]
    assert report.figures["today"] == "2026-03-31"
    assert {t["status"] for t in report.figures["tranches"]} == {"afventer"}  # tranche 1 was paid on 2 April


def test_the_dashboard_shows_completed_months_only(evaluated):
    from helhed.pools import selectors

    pool, _ = evaluated
    d = selectors.dashboard_figures(pool=pool, municipality_id=751, today=D(2026, 6, 15))
    assert [m.month for m in d.months] == ["2026-03", "2026-04", "2026-05"]
