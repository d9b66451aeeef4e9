"""A page's fixed cost: the session and the user, nothing more (issue 23). The user's
municipalities and organisations are kept in the session and read again as soon as any of
them, the role or the active flag changes, so a withdrawn access never outlives its change."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helhed.core.models import Municipality
from helhed.core.roles import Role
from helhed.fasttrack import services as fasttrack
from tests.factories import UserFactory, make_citizen

KVIK_LINJE = "/kvik-linje/"
STAFF_ROLES = [Role.CASEWORKER, Role.BORGERSERVICE, Role.JOBCENTRE_MANAGER, Role.UDK_STAFF, Role.POOL_OFFICER,
               Role.USERORG_MEMBER, Role.PARTNERSHIP_MEMBER]


def _queries(client, path) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code in (200, 302, 403), (path, response.status_code)
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_page_costs_the_session_and_the_user_before_its_own_data(client, db, role):
    user = UserFactory(role=role, municipalities=[751] if role in (Role.CASEWORKER, Role.BORGERSERVICE,
                                                                   Role.JOBCENTRE_MANAGER) else [])
    client.force_login(user)
    client.get("/")  # the first request reads the access facts and keeps them
    queries = _queries(client, "/")
    assert len(queries) == 2, queries
    assert "django_session" in queries[0] and "core_user" in queries[1]


def test_a_withdrawn_municipality_takes_effect_on_the_next_request(client, db):
    worker = UserFactory(role=Role.CASEWORKER, municipalities=[751])
    karen = make_citizen(municipality=751)
    client.force_login(worker)
    overview = f"/borgere/{karen.pk}/"
    assert client.get(overview).status_code == 200
    worker.municipalities.remove(751)
    assert client.get(overview).status_code == 404
    # From the municipality's side, and back again.
    Municipality.objects.get(code=751).staff.add(worker)
    assert client.get(overview).status_code == 200
    Municipality.objects.get(code=751).staff.clear()
    assert client.get(overview).status_code == 404


def test_a_changed_role_or_a_deactivated_user_is_read_again(client, db):
    worker = UserFactory(role=Role.CASEWORKER, municipalities=[751])
    karen = make_citizen(municipality=751)
    client.force_login(worker)
    overview = f"/borgere/{karen.pk}/"
    assert client.get(overview).status_code == 200
    worker.role = Role.POOL_OFFICER
    worker.save()
    assert client.get(overview).status_code in (403, 404)


def test_joining_an_organisation_opens_the_kvik_linje_on_the_next_request(client, db):
    organisation = fasttrack.create_organisation(name="Hus Forbi", kind="user_organisation")
    UserFactory.create_batch(3, role=Role.USERORG_MEMBER)  # so no user shares the organisation's key
    member = UserFactory(role=Role.USERORG_MEMBER)
    client.force_login(member)
    assert client.get(KVIK_LINJE).status_code == 403
    organisation.members.add(member)
    assert client.get(KVIK_LINJE).status_code == 200
    member.fasttrack_organisations.clear()
    assert client.get(KVIK_LINJE).status_code == 403


def test_the_two_municipal_scopes_differ_only_for_the_national_user(db):
    """``municipality_scope`` is None (all) for Udbetaling Danmark; ``own_municipalities`` is
    empty for it: UDK serves every citizen but is no municipality acting as itself."""
    from helhed.core.rules import municipality_scope, own_municipalities, serves_municipality

    worker = UserFactory(role=Role.CASEWORKER, municipalities=[751, 101])
    udk = UserFactory(role=Role.UDK_STAFF)
    citizen = UserFactory(role=Role.CITIZEN)
    assert municipality_scope(worker) == own_municipalities(worker) == frozenset({751, 101})
    assert municipality_scope(udk) is None and own_municipalities(udk) == frozenset()
    assert own_municipalities(citizen) == frozenset() == municipality_scope(citizen)
    assert serves_municipality(udk, 461) and serves_municipality(worker, 101) and not serves_municipality(worker, 461)


def test_missing_and_out_of_reach_get_the_same_404(db):
    """``permitted_or_404``: a page never tells a user that something they may not see exists."""
    from django.http import Http404

    from helhed.core.rules import permitted_or_404

    aarhus = make_citizen(municipality=751)
    odense = make_citizen(municipality=461, first_name="Ole", birth_date=datetime.date(1980, 5, 2), sex="M")
    worker = UserFactory(role=Role.CASEWORKER, municipalities=[751])
    assert permitted_or_404(aarhus, user=worker, perm="registry.view_citizen", message="Findes ikke.") == aarhus
    for obj in (None, odense):
        with pytest.raises(Http404, match="^Findes ikke.$"):
            permitted_or_404(obj, user=worker, perm="registry.view_citizen", message="Findes ikke.")
