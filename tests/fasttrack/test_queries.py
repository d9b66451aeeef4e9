"""The Kvik-linje pages cost the same number of queries whatever the amount of data:
Udbetaling Danmark's queue (open and answered), the organisation's page, the consent form
with its consents and organisations, and the organisation's list of questions in the API."""

import datetime

import pytest
from django.utils import timezone

from helhed.casework.models import BenefitArea
from helhed.casework.services import open_case
from helhed.core.roles import Role
from helhed.fasttrack import services
from helhed.fasttrack.models import ConsentKind, ConsentScope, OrganisationKind
from tests.factories import UserFactory
from tests.query_counts import count_queries


def _grow(ft, udk, n, start):
    """``n`` more cases for Jan, each with a question from Hus Forbi (every other one
    answered), a call on Hus Forbi's key, a new organisation with a consent from Jan, and
    a new key for Hus Forbi."""
    today = ft["today"]
    for i in range(start, start + n):
        case = open_case(citizen=ft["jan"], benefit_area=BenefitArea.BOLIGSTOETTE,
                         opened_on=today - datetime.timedelta(days=i), actor=None)
        question, _ = services.ask_question(key=ft["keys"]["husforbi"].key, case=case, subject=f"Spørgsmål {i}",
                                            body="Hvornår kommer pengene?")
        if i % 2:
            services.answer_question(question=question, answer="Den 1. i næste måned.", actor=udk)
        services.count_call(key=ft["keys"]["husforbi"].key, now=timezone.now() - datetime.timedelta(minutes=i))
        org = services.create_organisation(name=f"Forening {i}", kind=OrganisationKind.USER_ORGANISATION)
        services.register_consent(citizen=ft["jan"], organisation=org, kind=ConsentKind.CONSENT,
                                  scopes=[ConsentScope.CASE_STATUS], valid_from=today - datetime.timedelta(days=1),
                                  valid_until=today + datetime.timedelta(days=365), actor=ft["staff"])
        services.create_key(organisation=ft["husforbi"], name=f"Klient {i}", scopes=["questions:read"])


PAGES = {
    "udk queue": ("udk", "/kvik-linje/udk/"),
    "udk queue, answered": ("udk", "/kvik-linje/udk/?vis=besvarede"),
    "organisation page": ("member", "/kvik-linje/"),
    "consent form": ("staff", "/kvik-linje/borgere/{jan}/samtykke/"),
    "api questions": ("key", "/api/v1/fasttrack/questions"),
}


@pytest.mark.parametrize("page", PAGES)
def test_kvik_linje_pages_cost_the_same_for_more_data(client, ft, page, django_assert_num_queries):
    udk = UserFactory(role=Role.UDK_STAFF, organisation="Udbetaling Danmark")
    member = UserFactory(role=Role.USERORG_MEMBER, organisation="Hus Forbi")
    ft["husforbi"].members.add(member)
    who, path = PAGES[page]
    path = path.format(jan=ft["jan"].pk)
    headers = ft["keys"]["husforbi"].headers if who == "key" else {}
    if who != "key":
        client.force_login({"udk": udk, "member": member, "staff": ft["staff"]}[who])
    _grow(ft, udk, 2, 0)
    count_queries(client, path, **headers)  # the session and the content types are cached after the first request
    small = count_queries(client, path, **headers)
    _grow(ft, udk, 12, 2)
    with django_assert_num_queries(small):
        assert client.get(path, **headers).status_code == 200
