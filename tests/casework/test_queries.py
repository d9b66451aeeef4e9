"""The case list, the case page and the work queue cost the same number of queries
whatever the amount of data."""

import datetime
from decimal import Decimal

import pytest

from helhed.casework import letters, outbox, services
from helhed.casework.models import BenefitArea, CaseStatus
from tests.casework.conftest import NOW, TODAY, case_in
from tests.factories import make_citizen
from tests.query_counts import count_queries


@pytest.fixture(autouse=True)
def _quick_pdfs(monkeypatch):
    # Rendering is tested elsewhere; here only the number of queries counts.
    monkeypatch.setattr(letters, "render_pdf", lambda **kwargs: b"%PDF-1.7")


def _grow(worker, udk, n):
    """``n`` citizens, each with a municipal case in hearing and a decided UDK case with a
    complaint, payments, letters delivered and tasks."""
    for i in range(n):
        citizen = make_citizen(municipality=751, first_name=f"Borger{i}", last_name="Test",
                               birth_date=datetime.date(1960 + i % 30, 1 + i % 12, 2 + i % 25))
        case_in(CaseStatus.HEARING, citizen=citizen, actor=worker)
        c = case_in(CaseStatus.COMPLAINT, citizen=citizen, actor=udk, benefit_area=BenefitArea.BOLIGSTOETTE)
        services.create_task(kind="other", title=f"Opgave {i}", citizen=citizen, case=c, municipality_id=751)
    outbox.deliver(now=NOW)


@pytest.mark.parametrize("page", ["list", "queue", "mailbox"])
def test_lists_cost_the_same_for_more_cases(client, worker, udk, karen, page, django_assert_num_queries):
    own = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker)
    services.create_task(kind="other", title="Opgave", citizen=karen, case=own, municipality_id=751)
    path = {"list": "/sager/", "queue": "/sager/opgaver/", "mailbox": "/sager/post/"}[page]
    client.force_login(karen.user if page == "mailbox" else worker)
    _grow(worker, udk, 2)
    small = count_queries(client, path)
    _grow(worker, udk, 8)
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200


def _more_on(case, actor, years):
    for year in years:
        case.refresh_from_db()
        services.efterregulering(case=case, version=case.version, actor=actor, on=TODAY, year=year,
                                 difference=Decimal("10.00"))
        case.refresh_from_db()
        services.claim_repayment(case=case, version=case.version, actor=actor, on=TODAY, amount=Decimal("5.00"),
                                 reason="For meget.", due_on=TODAY + datetime.timedelta(days=30),
                                 no_hearing_ground="kendte_oplysninger", no_hearing_reason="Borgeren har oplyst det.")
        services.create_task(kind="other", title=f"Opgave {year}", citizen=case.citizen, case=case,
                             municipality_id=751)
    outbox.deliver(now=NOW)


@pytest.mark.parametrize("authority", ["municipality", "udk"])
def test_the_case_page_costs_the_same_for_a_longer_case(client, worker, udk, karen, authority,
                                                        django_assert_num_queries):
    actor = worker if authority == "municipality" else udk
    area = BenefitArea.KONTANTHJAELP if authority == "municipality" else BenefitArea.BOLIGSTOETTE
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=actor, benefit_area=area)
    _more_on(case, actor, [2020])
    client.force_login(worker)  # for the UDK case: the municipality reads it
    small = count_queries(client, f"/sager/{case.pk}/")
    _more_on(case, actor, range(2010, 2018))
    services.record_complaint(case=case, actor=worker, received_on=TODAY, text="Uenig")
    with django_assert_num_queries(small):
        assert client.get(f"/sager/{case.pk}/").status_code == 200


def _grow_on_paper(worker, udk, n, start):
    """``n`` citizens exempt from Digital Post, each with a municipal and a UDK case whose
    letters go to the print queue, and a task."""
    from helhed.registry import services as registry

    for i in range(start, start + n):
        citizen = make_citizen(municipality=751, first_name=f"Papir{i}", last_name="Test",
                               birth_date=datetime.date(1950 + i % 30, 1 + i % 12, 2 + i % 25))
        registry.register_digital_post_exemption(citizen=citizen, ground="no_internet", registered_on=TODAY)
        case_in(CaseStatus.HEARING, citizen=citizen, actor=worker)
        c = case_in(CaseStatus.DECIDED, citizen=citizen, actor=udk, benefit_area=BenefitArea.BOLIGSTOETTE)
        services.create_task(kind="other", title=f"Opgave {i}", citizen=citizen, case=c, municipality_id=751)
    outbox.deliver(now=NOW)


@pytest.mark.parametrize("page", ["print queue", "print queue (UDK)", "api cases", "api tasks"])
def test_the_print_queue_and_the_api_lists_cost_the_same_for_more_cases(client, worker, udk, page,
                                                                        django_assert_num_queries):
    path = {"print queue": "/sager/udskrift/", "print queue (UDK)": "/sager/udskrift/",
            "api cases": "/api/v1/casework/cases", "api tasks": "/api/v1/casework/tasks"}[page]
    client.force_login(udk if "UDK" in page else worker)
    _grow_on_paper(worker, udk, 2, 0)
    count_queries(client, path)  # the session and the content types are cached after the first request
    small = count_queries(client, path)
    _grow_on_paper(worker, udk, 10, 2)
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("what", ["events", "letters"])
def test_a_cases_events_and_letters_in_the_api_cost_the_same_for_a_longer_case(client, worker, karen, what,
                                                                               django_assert_num_queries):
    case = case_in(CaseStatus.DECIDED, citizen=karen, actor=worker)
    _more_on(case, worker, [2020])
    client.force_login(worker)
    path = f"/api/v1/casework/cases/{case.pk}/{what}"
    count_queries(client, path)
    small = count_queries(client, path)
    _more_on(case, worker, range(2010, 2018))
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200


def test_the_mailbox_costs_the_same_for_more_letters(client, worker, udk, karen, django_assert_num_queries):
    """The citizen's own mailbox, grown with her own cases and letters (the list test above
    grows other citizens' data)."""
    def grow(n):
        for _ in range(n):
            case_in(CaseStatus.DECIDED, citizen=karen, actor=worker)
            case_in(CaseStatus.HEARING, citizen=karen, actor=udk, benefit_area=BenefitArea.BOLIGSTOETTE)
        outbox.deliver(now=NOW)

    client.force_login(karen.user)
    grow(1)
    count_queries(client, "/sager/post/")
    small = count_queries(client, "/sager/post/")
    grow(8)
    with django_assert_num_queries(small):
        assert client.get("/sager/post/").status_code == 200


def test_a_page_that_reads_a_column_left_out_by_defer_fails_naming_it(client, worker, karen, monkeypatch):
    """The guard in ``count_queries``: every list and overview page above is rendered with the
    columns its template reads; here the mailbox's query leaves out one its template shows."""
    from helhed.casework import selectors

    case_in(CaseStatus.DECIDED, citizen=karen, actor=worker)
    outbox.deliver(now=NOW)
    client.force_login(karen.user)
    count_queries(client, "/sager/post/")
    monkeypatch.setattr(selectors, "_LETTER_FIELDS", (*selectors._LETTER_FIELDS, "subject"))
    with pytest.raises(AssertionError, match=r"/sager/post/ loads columns left out .* \['Letter.subject'\]"):
        count_queries(client, "/sager/post/")
