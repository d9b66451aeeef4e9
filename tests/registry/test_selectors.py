import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.registry import selectors
from tests.factories import UserFactory, make_citizen


@pytest.fixture
def people(db):
    return {
        "karen": make_citizen(municipality=751, first_name="Karen", last_name="Holm"),
        "kaj": make_citizen(municipality=751, first_name="Kaj", last_name="Østergård"),
        "jan": make_citizen(municipality=101, first_name="Jan", last_name="Holm"),
    }


def test_name_search_stays_within_the_municipality_and_is_audited(people, aarhus_caseworker):
    found = selectors.search_citizens(user=aarhus_caseworker, query="holm", channel="web")
    assert found == [people["karen"]]
    records = AuditRecord.objects.all()
    assert [r.citizen_uuid for r in records] == [people["karen"].pk]
    assert records[0].purpose == "Søgning efter borger"


def test_name_search_folds_danish_letters(people, aarhus_caseworker):
    assert selectors.search_citizens(user=aarhus_caseworker, query="ØSTERGÅRD", channel="web") == [people["kaj"]]
    assert selectors.search_citizens(user=aarhus_caseworker, query="kaj øster", channel="web") == [people["kaj"]]


def test_cpr_search_finds_exactly_one_and_only_in_scope(people, aarhus_caseworker, copenhagen_caseworker):
    cpr = people["karen"].cpr
    assert selectors.search_citizens(user=aarhus_caseworker, query=cpr, channel="web") == [people["karen"]]
    bare = cpr.replace("-", "")
    assert selectors.search_citizens(user=aarhus_caseworker, query=bare, channel="web") == [people["karen"]]
    assert selectors.search_citizens(user=copenhagen_caseworker, query=cpr, channel="web") == []


def test_an_invalid_cpr_search_is_a_validation_error(people, aarhus_caseworker):
    with pytest.raises(ValidationError):
        selectors.search_citizens(user=aarhus_caseworker, query="320199-1234", channel="web")


def test_udk_staff_see_every_municipality(people):
    udk = UserFactory(role=Role.UDK_STAFF, organisation="Udbetaling Danmark")
    assert set(selectors.search_citizens(user=udk, query="holm", channel="web")) == {people["karen"], people["jan"]}


@pytest.mark.parametrize("role", [Role.POOL_OFFICER, Role.USERORG_MEMBER, Role.ADMINISTRATOR, Role.CITIZEN])
def test_roles_without_citizen_access_see_nobody(people, role):
    user = UserFactory(role=role, municipalities=[751], is_superuser=role == Role.ADMINISTRATOR)
    assert selectors.search_citizens(user=user, query="holm", channel="web") == []
    with pytest.raises(Http404):
        selectors.citizen_overview(user=user, citizen_id=people["karen"].pk, purpose="x", channel="web",
                                   today=timezone.localdate())


def test_overview_outside_scope_is_not_found_and_not_audited(people, copenhagen_caseworker):
    with pytest.raises(Http404):
        selectors.citizen_overview(user=copenhagen_caseworker, citizen_id=people["karen"].pk,
                                   purpose="x", channel="web", today=timezone.localdate())
    assert not AuditRecord.objects.exists()


def test_a_caseworker_in_two_municipalities_sees_both(people):
    both = UserFactory(role=Role.CASEWORKER, municipalities=[751, 101])
    assert len(selectors.search_citizens(user=both, query="holm", channel="web")) == 2
