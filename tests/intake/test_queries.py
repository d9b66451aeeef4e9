"""The intake list pages and list endpoints cost the same number of queries whatever the
amount of data: applications, referrals, representations and helhedsvurderinger."""

import datetime

import pytest
from django.utils import timezone

from helhed.intake import services
from helhed.intake.models import Channel, SubmittedBy
from helhed.registry import services as registry
from tests.factories import UserFactory, make_citizen
from tests.intake.conftest import FOLKEPENSION_ANSWERS, TODAY
from tests.query_counts import count_queries

CASEWORKER = "caseworker"


def _phone_application(udk, citizen, received_on=TODAY):
    services.register_application(
        actor=udk, citizen=citizen, benefit_area="folkepension", channel=Channel.PHONE, received_on=received_on,
        submitted_by=SubmittedBy.CITIZEN, answers=FOLKEPENSION_ANSWERS, today=TODAY, now=timezone.now(),
        idempotency_key=None, call_note="Ringede; svarene læst op.", send_receipt=False,
        duplicate_confirmed=True)  # many applications of one citizen, on purpose


def _grow(*, udk, karen, mette, contact, n, start):
    """``n`` more citizens in Aarhus, each with an application, a referral, a power of
    attorney to Mette and one to Karen; Karen gets ``n`` more applications, Digital Post
    exemptions and helhedsvurderinger of her own."""
    for i in range(start, start + n):
        citizen = make_citizen(municipality=751, first_name=f"Borger{i}", last_name="Test",
                               birth_date=datetime.date(1950 + i % 40, 1 + i % 12, 2 + i % 27))
        _phone_application(udk, citizen)
        services.refer_to_municipality(actor=udk, citizen=citizen, reason="Forstod ikke brevet.", today=TODAY)
        registry.grant_representation(citizen=citizen, representative=mette, valid_from=datetime.date(2026, 1, 1))
        registry.grant_representation(citizen=karen, representative=citizen, valid_from=datetime.date(2026, 1, 1))
        _phone_application(udk, karen, received_on=TODAY - datetime.timedelta(days=i))
        registry.register_digital_post_exemption(citizen=karen, ground="language",
                                                 registered_on=datetime.date(2020 + i % 6, 3, 1))
        registry.record_needs_assessment(
            citizen=karen, actor=contact, factors=["digital"], citizen_description="Svært ved at logge på.",
            conclusion="special_needs", reasoning="Har brug for hjælp.", contact_person=contact,
            assessed_on=TODAY - datetime.timedelta(days=i + 1), review_on=TODAY + datetime.timedelta(days=90))


PAGES = {
    # name: (who is logged in, path; {karen} and {mette} are filled in)
    "staff list": ("counter", "/ansoegninger/"),
    "staff list (UDK)": ("udk", "/ansoegninger/"),
    "own applications": ("karen", "/ansoegninger/mine/"),
    "own representations": ("karen", "/ansoegninger/fuldmagt/"),
    "helping": ("mette", "/ansoegninger/jeg-hjaelper/"),
    "helping one citizen": ("mette", "/ansoegninger/jeg-hjaelper/{karen}/"),
    "staff representations": (CASEWORKER, "/ansoegninger/borgere/{karen}/fuldmagt/"),
    "digital post exemptions": (CASEWORKER, "/ansoegninger/borgere/{karen}/digital-post/"),
    "referrals": (CASEWORKER, "/ansoegninger/henvisninger/"),
    "referrals (UDK)": ("udk", "/ansoegninger/henvisninger/"),
    "statistics": (CASEWORKER, "/ansoegninger/statistik/"),
    "statistics (UDK)": ("udk", "/ansoegninger/statistik/"),
    "api applications": ("udk", "/api/v1/applications"),
    "api applications of a citizen": (CASEWORKER, "/api/v1/applications?citizen_id={karen}"),
    "api own applications": ("karen", "/api/v1/applications"),
    "api assessments": (CASEWORKER, "/api/v1/citizens/{karen}/assessments"),
    "api representations": (CASEWORKER, "/api/v1/citizens/{karen}/representations"),
    "api referrals": (CASEWORKER, "/api/v1/referrals"),
}


@pytest.mark.parametrize("page", PAGES)
def test_intake_pages_cost_the_same_for_more_data(client, udk, counter, karen, mette, page,
                                                  django_assert_num_queries):
    from helhed.core.roles import Role

    caseworker = UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Lene", last_name="Skov")
    # Mette helps Karen, so Karen's page under "Jeg hjælper" exists.
    registry.grant_representation(citizen=karen, representative=mette, valid_from=datetime.date(2026, 1, 1))
    who, path = PAGES[page]
    user = {"counter": counter, "udk": udk, "karen": karen.user, "mette": mette.user, CASEWORKER: caseworker}[who]
    path = path.format(karen=karen.pk, mette=mette.pk)
    client.force_login(user)
    grow = dict(udk=udk, karen=karen, mette=mette, contact=caseworker)
    _grow(n=2, start=0, **grow)
    count_queries(client, path)  # the session and the content types are cached after the first request
    small = count_queries(client, path)
    _grow(n=18, start=2, **grow)  # past the staff list's 15 newest
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200
