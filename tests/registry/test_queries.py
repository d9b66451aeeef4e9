"""The whole-citizen overview (staff) and the citizen's own pages (/mit/) cost the same
number of queries however much the citizen has: cases and letters, applications, powers of
attorney, helhedsvurderinger, appointments, a cash arrangement with hand-outs, consents on
the Kvik-linje and review cases with efforts. (Citizen search: tests/registry/test_query_counts.py.)"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from helhed.casework import letters, outbox
from helhed.casework import services as casework
from helhed.casework.models import BenefitArea, CaseStatus
from helhed.cashaccess import services as cashaccess
from helhed.cashaccess.models import SolutionType
from helhed.core.audit import record_read
from helhed.core.roles import Role
from helhed.fasttrack import services as fasttrack
from helhed.fasttrack.models import ConsentKind, ConsentScope, OrganisationKind
from helhed.intake import services as intake
from helhed.intake.models import Channel, SubmittedBy
from helhed.registry import services as registry
from helhed.review import services as review
from tests.borgerservice.conftest import book, make_point
from tests.casework.conftest import case_in
from tests.cashaccess.conftest import arrange, hand_out
from tests.factories import UserFactory, make_citizen
from tests.intake.conftest import FOLKEPENSION_ANSWERS
from tests.query_counts import count_queries
from tests.review.conftest import make_result


@pytest.fixture(autouse=True)
def _quick_pdfs(monkeypatch):
    # Rendering is tested elsewhere; here only the number of queries counts.
    monkeypatch.setattr(letters, "render_pdf", lambda **kwargs: b"%PDF-1.7")


class World:
    """Karen in Aarhus (with a login), the staff who serve her, and a way to give her more."""

    def __init__(self):
        self.worker = UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Lene", last_name="Skov")
        self.manager = UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751], first_name="Peter",
                                   last_name="Lund")
        self.udk = UserFactory(role=Role.UDK_STAFF, organisation="Udbetaling Danmark")
        login = UserFactory(role=Role.CITIZEN, first_name="Karen", last_name="Holm")
        self.karen = make_citizen(municipality=751, user=login)
        self.point = make_point(751, capacity=5, name="Borgerservice Aarhus")
        solution = cashaccess.record_solution(
            municipality_id=751, actor=self.worker, kind=SolutionType.PARTNER_BANK_OUTREACH, name="Partnerbank",
            provider="Fiktiv Sparekasse", starts_on=datetime.date(2026, 1, 1))
        self.arrangement = arrange(self.karen, solution, self.worker)
        self.n = 0

    def grow(self, n):
        today = timezone.localdate()
        karen = self.karen
        for _ in range(n):
            i = self.n = self.n + 1
            case_in(CaseStatus.DECIDED, citizen=karen, actor=self.worker)
            c = case_in(CaseStatus.HEARING, citizen=karen, actor=self.udk, benefit_area=BenefitArea.BOLIGSTOETTE)
            casework.create_task(kind="other", title=f"Opgave {i}", citizen=karen, case=c, municipality_id=751)
            intake.register_application(
                actor=self.udk, citizen=karen, benefit_area="folkepension", channel=Channel.PHONE,
                received_on=today, submitted_by=SubmittedBy.CITIZEN, answers=FOLKEPENSION_ANSWERS, today=today,
                now=timezone.now(), idempotency_key=None, call_note="Ringede.", send_receipt=False,
                duplicate_confirmed=True)
            intake.refer_to_municipality(actor=self.udk, citizen=karen, reason="Forstod ikke brevet.", today=today)
            helper = make_citizen(municipality=751, first_name=f"Hjælper{i}", last_name="Fiktiv", sex="M",
                                  birth_date=datetime.date(1960 + i, 5, 5))
            registry.grant_representation(citizen=karen, representative=helper, valid_from=datetime.date(2026, 1, 1))
            registry.register_digital_post_exemption(citizen=karen, ground="language",
                                                     registered_on=datetime.date(2020 + i % 5, 3, 1))
            registry.record_needs_assessment(
                citizen=karen, actor=self.worker, factors=["digital"], citizen_description="Svært.",
                conclusion="special_needs", reasoning="Har brug for hjælp.", contact_person=self.worker,
                assessed_on=today - datetime.timedelta(days=i), review_on=today + datetime.timedelta(days=90))
            day = today + datetime.timedelta(days=i)
            book(self.point, datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone()),
                 citizen=karen, now=timezone.now())
            hand_out(self.arrangement, self.worker, handed_out_on=datetime.date(2026, 3, 1 + i % 27),
                     amount=Decimal("100.00"))
            org = fasttrack.create_organisation(name=f"Forening {i}", kind=OrganisationKind.USER_ORGANISATION)
            fasttrack.register_consent(
                citizen=karen, organisation=org, kind=ConsentKind.CONSENT,
                scopes=[ConsentScope.CASE_STATUS, ConsentScope.QUESTIONS],
                valid_from=today - datetime.timedelta(days=1), valid_until=today + datetime.timedelta(days=365),
                actor=self.worker)
            programme = review.create_programme(actor=self.manager, result=make_result(self.manager, [karen.cpr]),
                                                municipality_id=751, name=f"Program {i}",
                                                started_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i))
            case = programme.cases.get()
            case = review.assign_case(case=case, caseworker=self.worker, actor=self.manager, on=today)
            review.add_effort(
                reason="Registreret sent", case=case, actor=self.manager, kind="praktik",
                starts_on=datetime.date(2026, 2, 1), employer="Fiktiv A/S")
            record_read(actor=self.worker, citizen_uuids=[karen.pk], what="x", purpose="y", channel="web")
        outbox.deliver(now=timezone.now())


PAGES = {"overview": "/borgere/{karen}/", "own data": "/mit/", "own log": "/mit/log/",
         "api overview": "/api/v1/citizens/{karen}", "api own log": "/api/v1/me/audit-log"}


@pytest.mark.parametrize("page", PAGES)
def test_citizen_pages_cost_the_same_for_a_fuller_life(client, db, page, django_assert_num_queries):
    world = World()
    path = PAGES[page].format(karen=world.karen.pk)
    user = world.worker if "overview" in page else world.karen.user
    client.force_login(user)
    world.grow(2)
    count_queries(client, path)  # the session and the content types are cached after the first request
    small = count_queries(client, path)
    world.grow(10)
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200
