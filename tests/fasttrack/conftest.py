import datetime

import pytest
from django.utils import timezone

from helhed.casework.models import BenefitArea
from helhed.casework.services import open_case
from helhed.core.roles import Role
from helhed.fasttrack import services
from helhed.fasttrack.models import ConsentKind, ConsentScope, KeyScope, OrganisationKind
from tests.factories import UserFactory, make_citizen

ALL_SCOPES = [KeyScope.CASE_STATUS_READ, KeyScope.QUESTIONS_WRITE, KeyScope.QUESTIONS_READ]


class Key:
    """A key and its secret, with the header that sends it."""

    def __init__(self, key, secret):
        self.key, self.secret = key, secret

    @property
    def headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"}


@pytest.fixture
def ft(db):
    """Hus Forbi (user organisation), Aarhus and København (municipalities), a keys for each,
    Jan in Aarhus with two cases and a consent to Hus Forbi, Karen in Aarhus without one."""
    staff = UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Lene", last_name="Skov")
    husforbi = services.create_organisation(name="Hus Forbi", kind=OrganisationKind.USER_ORGANISATION)
    sand = services.create_organisation(name="SAND", kind=OrganisationKind.USER_ORGANISATION)
    aarhus = services.create_organisation(name="Aarhus Kommune", kind=OrganisationKind.MUNICIPALITY,
                                          municipality_id=751)
    kbh = services.create_organisation(name="Københavns Kommune", kind=OrganisationKind.MUNICIPALITY,
                                       municipality_id=101)
    jan = make_citizen(municipality=751, first_name="Jan", last_name="Olsen", sex="M")
    karen = make_citizen(municipality=751, first_name="Karen", last_name="Holmgaard")
    today = timezone.localdate()
    cases = [open_case(citizen=jan, benefit_area=BenefitArea.BOLIGSTOETTE, opened_on=today, actor=None),
             open_case(citizen=jan, benefit_area=BenefitArea.FOLKEPENSION,
                       opened_on=today - datetime.timedelta(days=40), actor=None)]
    karen_case = open_case(citizen=karen, benefit_area=BenefitArea.BOLIGSTOETTE, opened_on=today, actor=None)
    consent = services.register_consent(
        citizen=jan, organisation=husforbi, kind=ConsentKind.CONSENT,
        scopes=[ConsentScope.CASE_STATUS, ConsentScope.QUESTIONS], valid_from=today - datetime.timedelta(days=10),
        valid_until=today + datetime.timedelta(days=365), actor=staff)
    keys = {name: Key(*services.create_key(organisation=org, name="Klient", scopes=ALL_SCOPES))
            for name, org in {"husforbi": husforbi, "sand": sand, "aarhus": aarhus, "kbh": kbh}.items()}
    return {"husforbi": husforbi, "sand": sand, "aarhus": aarhus, "kbh": kbh, "jan": jan, "karen": karen,
            "cases": cases, "karen_case": karen_case, "consent": consent, "keys": keys, "staff": staff,
            "today": today}


@pytest.fixture(autouse=True)
def _fresh_actor_cache():
    from helhed.fasttrack.selectors import clear_actor_cache

    clear_actor_cache()
    yield
    clear_actor_cache()
