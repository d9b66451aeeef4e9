"""The ambassador corps (seed 002) and personlige jobmidler as an effort kind with its own
budget line in the staffing plan and in the progress reports."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from helhed.core.calendar import COPENHAGEN
from helhed.core.roles import Role
from helhed.pools import ambassadors as corps
from helhed.pools import selectors
from helhed.pools.forms import ApplicationForm
from helhed.pools.models import Ambassador, StaffRole
from helhed.review.models import EffortKind
from tests.factories import UserFactory
from tests.pools.conftest import allocated_pool, in_effort

NOW = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=COPENHAGEN)


def add(actor, code=751, email="mette@aarhus.dk", name="Mette Juul"):
    return corps.add_ambassador(actor=actor, municipality_id=code, name=name, title="Virksomhedskonsulent",
                                email=email, phone="+45 87 13 00 00",
                                results="Småjob i kantiner til 14 borgere på kontanthjælp i over fem år.", now=NOW)


def test_a_manager_adds_and_withdraws_an_ambassador_of_their_own_municipality_only(aarhus_manager, kbh_manager):
    a = add(aarhus_manager)
    assert a.active and a.added_by == aarhus_manager
    with pytest.raises(PermissionDenied):
        add(aarhus_manager, code=101)
    with pytest.raises(PermissionDenied):
        corps.withdraw_ambassador(actor=kbh_manager, ambassador=a, reason="x", now=NOW)
    with pytest.raises(ValidationError):
        add(aarhus_manager)  # the same person twice
    with pytest.raises(ValidationError):
        corps.withdraw_ambassador(actor=aarhus_manager, ambassador=a, reason=" ", now=NOW)
    corps.withdraw_ambassador(actor=aarhus_manager, ambassador=a, reason="Nyt job i regionen.", now=NOW)
    a.refresh_from_db()
    assert not a.active and a.withdrawal_reason == "Nyt job i regionen." and a.withdrawn_by == aarhus_manager
    assert list(corps.ambassadors_visible_to(aarhus_manager)) == []
    assert list(corps.ambassadors_visible_to(aarhus_manager, include_withdrawn=True)) == [a]


def test_the_national_list_page_for_officers_and_municipal_staff(client, officer, aarhus_manager,
                                                                 copenhagen_caseworker):
    add(aarhus_manager)
    client.force_login(officer)
    page = client.post(reverse("pools:ambassadors"), {
        "municipality": "101", "name": "Ali Hansen", "title": "Jobkonsulent", "email": "ali@kk.dk",
        "phone": "", "results": "Småjob i idrætshaller."}, follow=True).content.decode()
    assert "Ali Hansen er optaget i ambassadørkorpset." in page
    client.force_login(copenhagen_caseworker)
    page = client.get(reverse("pools:ambassadors")).content.decode()
    assert "Mette Juul" in page and "Ali Hansen" in page and "København" in page and "Aarhus" in page
    assert "Optag en ambassadør" not in page and "Lad udtræde" not in page  # a caseworker only reads
    assert client.post(reverse("pools:ambassadors"), {"municipality": "101"}).status_code == 403
    mette = Ambassador.objects.get(name="Mette Juul")
    assert client.post(reverse("pools:ambassador_withdraw", args=[mette.pk]), {"reason": "x"}).status_code == 403
    api = client.get("/api/v1/ambassadors").json()
    assert {(a["municipality"], a["name"]) for a in api} == {(751, "Mette Juul"), (101, "Ali Hansen")}
    client.force_login(aarhus_manager)
    client.post(reverse("pools:ambassador_withdraw", args=[mette.pk]), {"reason": "Gået på pension."})
    assert [a["name"] for a in client.get("/api/v1/ambassadors").json()] == ["Ali Hansen"]


def test_other_roles_see_no_ambassadors(client, db):
    client.force_login(UserFactory(role=Role.UDK_STAFF))
    assert client.get(reverse("pools:ambassadors")).status_code == 403
    assert client.get("/api/v1/ambassadors").status_code == 403


def test_personal_job_means_is_an_effort_kind_and_a_budget_line_without_ftes(officer, aarhus_manager, settings):
    assert EffortKind("personlige_jobmidler").label == "Personlige jobmidler"
    form = ApplicationForm({"idempotency_key": "0b8e5d9a-0000-4000-8000-000000000001", "contact": "Peter Lund",
                            "fte_caseworker": "2", "cost_caseworker": "1.000.000",
                            "cost_personlige_jobmidler": "250.000"})
    assert "fte_personlige_jobmidler" not in form.fields
    assert form.is_valid(), form.errors
    assert ("personlige_jobmidler", Decimal(0), Decimal(250000)) in form.staffing()

    settings.POOLS_SMALL_COUNT_THRESHOLD = 1
    pool, programme = allocated_pool(officer, aarhus_manager)
    application = pool.applications.get(municipality_id=751)
    application.staffing.create(role=StaffRole.PERSONLIGE_JOBMIDLER, fte=0, cost=Decimal("250000"))
    case = programme.cases.order_by("number").first()
    in_effort(case, datetime.date(2026, 4, 1), datetime.date(2026, 4, 1), kind=EffortKind.PERSONLIGE_JOBMIDLER)
    d = selectors.dashboard_figures(pool=pool, municipality_id=751, today=datetime.date(2026, 5, 2))
    assert d.job_means_budget == Decimal("250000") and d.job_means_citizens == 1
    assert d.as_json()["personlige_jobmidler"] == {"budget": "250000.00", "citizens": 1}
    settings.POOLS_SMALL_COUNT_THRESHOLD = 5
    d = selectors.dashboard_figures(pool=pool, municipality_id=751, today=datetime.date(2026, 5, 2))
    assert d.job_means_citizens_text == ".."
