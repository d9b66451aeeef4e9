"""The register pages cost the same number of queries whatever the amount of data: the list
of results and extracts, one result's counts, its members (linked to the registry) and the
API's lists."""

import datetime
import uuid

import pytest

from helhed.core.cpr import cpr_blind_index
from helhed.core.roles import Role
from helhed.register.models import RegisterExtract, TargetGroupMember, TargetGroupResult
from tests.factories import UserFactory, make_citizen
from tests.query_counts import count_queries


@pytest.fixture
def pool_officer(db):
    return UserFactory(role=Role.POOL_OFFICER, organisation="Beskæftigelsesministeriet", first_name="Puk")


@pytest.fixture
def aarhus_manager(db):
    return UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751], first_name="Jens", last_name="Leder")


def _result(user, i) -> TargetGroupResult:
    extract = RegisterExtract.objects.create(file=f"register/extracts/x{i}.csv", original_name=f"x{i}.csv",
                                             sha256=f"{i:064x}", size=1, periods=1, uploaded_by=user)
    return TargetGroupResult.objects.create(
        extract=extract, rule_name="flere-skal-med-2017", rule_version="1", parameters={}, input_sha256=f"{i:064x}",
        as_of=datetime.date(2026, 1, 1), counts={}, total=0, periods_read=1, seconds=0.0, created_by=user)


def _members(result, n, start):
    """``n`` members in Aarhus who are registry citizens, and ``n`` in Copenhagen who are not."""
    members = []
    for i in range(start, start + n):
        citizen = make_citizen(municipality=751, first_name=f"Borger{i}", last_name="Målgruppesen",
                               birth_date=datetime.date(1960 + i % 40, 1 + i % 12, 2 + i % 27))
        members.append(TargetGroupMember(result=result, cpr_index=cpr_blind_index(citizen.cpr.replace("-", "")),
                                         municipality_id=751, figures={"maaneder": str(i)}))
        members.append(TargetGroupMember(result=result, cpr_index=uuid.uuid4().hex * 2, municipality_id=101,
                                         figures={"maaneder": str(i)}))
    TargetGroupMember.objects.bulk_create(members)
    result.total = result.members.count()
    result.counts = {"751": result.total // 2, "101": result.total // 2}
    result.save()


@pytest.mark.parametrize("path", ["/register/", "/api/v1/register/results"])
def test_the_result_list_costs_the_same_for_more_results(client, pool_officer, path, django_assert_num_queries):
    client.force_login(pool_officer)
    made = [_result(pool_officer, i) for i in range(2)]
    count_queries(client, path)  # the session and the content types are cached after the first request
    small = count_queries(client, path)
    made += [_result(pool_officer, i) for i in range(2, 12)]
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200


PAGES = {
    "result": ("officer", "/register/resultater/{result}/"),
    "members": ("manager", "/register/resultater/{result}/borgere/"),
    "api result": ("officer", "/api/v1/register/results/{result}"),
    "api members": ("manager", "/api/v1/register/results/{result}/members"),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_result_costs_the_same_for_more_members(client, pool_officer, aarhus_manager, page,
                                                  django_assert_num_queries):
    who, path = PAGES[page]
    result = _result(pool_officer, 0)
    path = path.format(result=result.pk)
    client.force_login(pool_officer if who == "officer" else aarhus_manager)
    _members(result, 2, 0)
    count_queries(client, path)
    small = count_queries(client, path)
    _members(result, 15, 2)
    with django_assert_num_queries(small):
        assert client.get(path).status_code == 200
