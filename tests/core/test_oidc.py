"""The rules behind a login through OpenID Connect that need no provider: the staff group
mapping, the citizen match by CPR number, and local passwords once staff have a provider.
The protocol itself is tested against a real provider in tests/e2e/test_oidc_login.py."""

import pytest
from django.contrib.auth import authenticate

from helhed.core import oidc
from helhed.core.models import StaffGroupRole, User
from helhed.core.roles import Role
from tests.factories import UserFactory, make_citizen
from tests.oidc import CPR, LOA, NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(settings):
    settings.HELHED_OIDC_STAFF = {**settings.HELHED_OIDC_STAFF, "issuer": "https://login.example.dk"}
    settings.HELHED_OIDC_CITIZEN = {**settings.HELHED_OIDC_CITIZEN, "issuer": "https://nemlog-in.example.dk"}


def _mapping(group, role, codes=(), organisation=""):
    m = StaffGroupRole.objects.create(group=group, role=role, organisation=organisation)
    m.municipalities.set(codes)
    return m


def test_groups_give_one_role_and_the_union_of_municipalities(providers):
    _mapping("sb-aarhus", Role.CASEWORKER, [751], "Aarhus Kommune")
    _mapping("sb-odder", Role.CASEWORKER, [727])
    user = oidc.staff_user({"sub": "abc", "given_name": "Sara", "groups": ["andet", "sb-aarhus", "sb-odder"]})
    assert user.role == Role.CASEWORKER and user.organisation == "Aarhus Kommune"
    assert set(user.municipalities.values_list("code", flat=True)) == {751, 727}
    assert not user.has_usable_password() and not user.is_superuser


def test_a_later_login_updates_role_and_municipalities_and_access_version(providers):
    _mapping("sb-aarhus", Role.CASEWORKER, [751])
    _mapping("udk", Role.UDK_STAFF)
    first = oidc.staff_user({"sub": "abc", "groups": ["sb-aarhus"]})
    again = oidc.staff_user({"sub": "abc", "groups": ["udk"]})
    assert again.pk == first.pk and again.role == Role.UDK_STAFF
    assert list(again.municipalities.all()) == []
    assert again.access_version > first.access_version


@pytest.mark.parametrize(("groups", "reason"), [([], "no_role"), (["kantine"], "no_role"),
                                               (["sb-aarhus", "udk"], "many_roles")])
def test_groups_that_map_to_no_role_or_to_two_give_no_access(providers, groups, reason):
    _mapping("sb-aarhus", Role.CASEWORKER, [751])
    _mapping("udk", Role.UDK_STAFF)
    with pytest.raises(oidc.LoginRefused) as refused:
        oidc.staff_user({"sub": "abc", "groups": groups})
    assert refused.value.reason == reason
    assert not User.objects.exists()


def test_a_blocked_staff_user_stays_blocked(providers):
    _mapping("udk", Role.UDK_STAFF)
    user = oidc.staff_user({"sub": "abc", "groups": ["udk"]})
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(oidc.LoginRefused) as refused:
        oidc.staff_user({"sub": "abc", "groups": ["udk"]})
    assert refused.value.reason == "blocked"


def test_a_known_citizen_gets_a_login_linked_to_the_record(providers):
    karen = make_citizen()
    user = oidc.citizen_user({CPR: karen.cpr.replace("-", ""), LOA: "High"})
    karen.refresh_from_db()
    assert karen.user == user and user.role == Role.CITIZEN and not user.has_usable_password()
    assert user.get_full_name() == "Karen Holm"  # the record's name when MitID gives none
    again = oidc.citizen_user({CPR: karen.cpr, LOA: "Substantial", NAME: "Karen Marie Holm"})
    assert again == user and (again.first_name, again.last_name) == ("Karen Marie", "Holm")


@pytest.mark.parametrize(("claims", "reason"), [({LOA: "Low"}, "loa"), ({}, "loa"),
                                                ({LOA: "High", CPR: "ikke et nummer"}, "unknown_citizen")])
def test_a_citizen_login_is_refused_below_the_level_or_without_a_cpr_number(providers, claims, reason):
    karen = make_citizen()
    with pytest.raises(oidc.LoginRefused) as refused:
        oidc.citizen_user({CPR: karen.cpr, **claims})
    assert refused.value.reason == reason
    assert not User.objects.exists()


@pytest.mark.parametrize("block", ["inactive", "demo user outside demo mode"])
def test_a_blocked_or_demo_citizen_login_is_refused(providers, block):
    karen = make_citizen()
    user = oidc.citizen_user({CPR: karen.cpr, LOA: "High"})
    User.objects.filter(pk=user.pk).update(**({"is_active": False} if block == "inactive" else {"is_demo": True}))
    with pytest.raises(oidc.LoginRefused) as refused:
        oidc.citizen_user({CPR: karen.cpr, LOA: "High"})
    assert refused.value.reason == "blocked"


def test_with_an_organisation_provider_only_a_superuser_logs_in_with_a_password(providers, rf):
    UserFactory(username="sagsbehandler", password="hemmelig-kode-1")
    User.objects.create_superuser("nødadmin", password="hemmelig-kode-2")
    request = rf.post("/log-ind/")
    assert authenticate(request, username="sagsbehandler", password="hemmelig-kode-1") is None
    assert authenticate(request, username="nødadmin", password="hemmelig-kode-2") is not None


def test_the_login_page_offers_the_configured_providers(client, providers):
    page = client.get("/log-ind/").content.decode()
    assert "Log ind med MitID" in page and "Log ind med din organisations login" in page


def test_without_providers_their_pages_do_not_exist(client):
    assert "Log ind med MitID" not in client.get("/log-ind/").content.decode()
    assert client.get("/log-ind/mitid/").status_code == 404
    assert client.get("/log-ind/organisation/svar/").status_code == 404
