"""Every URL pattern and API route refuses an anonymous user and a user of another
municipality, and every response that shows a citizen's data has written an audit record."""

import json
import uuid

import pytest

from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from tests.factories import UserFactory, make_citizen
from tests.routes import all_routes, api_operations

# Routes anyone may reach. Everything else must refuse an anonymous user.
PUBLIC = {
    "healthz",
    "core:login",
    "core:logout",
    "admin:login",
    "admin:logout",
    "api:openapi-json",
    "api:openapi-view",
    "api:api-root",
    "demo:personas",  # 404 outside demo mode (checked below)
    "demo:login_as",  # 404 outside demo mode (checked below)
    # Borgerservice booking for citizens without a CPR-based login (name and phone); shows
    # only service points and free slots, and cancels by a reference that is never in a URL.
    "borgerservice:public_book",
    "borgerservice:public_receipt",
    "borgerservice:public_cancel",
    # Found again by reference and phone number together, both posted, never in a URL.
    "borgerservice:public_find",
    "borgerservice:public_cancelled",
    # The front door for citizens, the accessibility statement and its short address.
    "core:home",
    "core:accessibility",
    "core:was",
}


@pytest.fixture
def world(db):
    karen_login = UserFactory(role=Role.CITIZEN, first_name="Karen", last_name="Holmgaard")
    karen = make_citizen(municipality=751, first_name="Karen", last_name="Holmgaard", user=karen_login)
    return {
        "karen": karen,
        "values": {"citizen_id": str(karen.pk), "user_id": str(karen_login.uuid), "*": "1",
                   **_intake_ids(karen), **_casework_ids(karen)},
    }


def _casework_ids(karen) -> dict[str, str]:
    """A case in hearing (its letters delivered, a hearing task) and a complaint about
    another, decided case of Karen's."""
    import datetime

    from helhed.casework import outbox
    from helhed.casework import services as casework

    day = datetime.date(2026, 3, 2)
    case = casework.open_case(citizen=karen, benefit_area="kontanthjaelp", opened_on=day, actor=None)
    case = casework.start_processing(case=case, version=case.version, actor=None, on=day)
    case = casework.send_hearing(case=case, version=case.version, actor=None, on=day, facts="Et job.")
    decided = casework.open_case(citizen=karen, benefit_area="kontanthjaelp", opened_on=day, actor=None)
    decided = casework.start_processing(case=decided, version=decided.version, actor=None, on=day)
    decided = casework.refuse(case=decided, version=decided.version, actor=None, on=day, reasons="For høj indtægt.",
                               no_hearing_ground="kendte_oplysninger", no_hearing_reason="Egne oplysninger.")
    from helhed.registry.models import Citizen

    helper = Citizen.objects.get(last_name="Fuldmagtsen")  # made by _intake_ids, before this
    complaint = casework.record_complaint(case=decided, actor=None, received_on=day, text="Uenig.",
                                          representative=helper)
    outbox.deliver()
    return {"case_id": str(case.pk), "letter_id": str(case.letters.first().pk),
            "task_id": str(case.tasks.get(kind="hearing").pk), "complaint_id": str(complaint.pk),
            "action": "behandling", "step": "forward"}


def _intake_ids(karen) -> dict[str, str]:
    """An application, a draft, a fuldmagt, a helhedsvurdering and a referral of Karen's."""
    import datetime

    from django.utils import timezone

    from helhed.intake import services as intake
    from helhed.intake.models import Application
    from helhed.registry import services as registry

    today = timezone.localdate()
    udk = UserFactory(role=Role.UDK_STAFF, organisation="Udbetaling Danmark")
    counter = UserFactory(role=Role.BORGERSERVICE, municipalities=[751])
    helper_login = UserFactory(role=Role.CITIZEN, first_name="Bjarne", last_name="Fuldmagtsen")
    helper = make_citizen(municipality=751, first_name="Bjarne", last_name="Fuldmagtsen", sex="M",
                          birth_date=datetime.date(1960, 5, 5), user=helper_login)
    rep = registry.grant_representation(citizen=karen, representative=helper, valid_from=today)
    app = Application.objects.create(  # directly: the service would audit the registration
        citizen=karen, municipality_id=751, benefit_area="boerne_ungeydelse", authority="udk", channel="phone",
        status="submitted", received_on=today, submitted_by="representative", representation=rep, created_by=udk,
        call_note="Ringede.")
    draft = intake.start_draft(actor=karen.user, citizen=karen, benefit_area="folkepension", today=today)
    assessment = registry.record_needs_assessment(
        citizen=karen, actor=counter, factors=["digital"], citizen_description="Svært.", conclusion="none",
        reasoning="Klarer sig.", assessed_on=today, review_on=today + datetime.timedelta(days=30))
    referral, _ = intake.refer_to_municipality(actor=udk, citizen=karen, reason="Svært.", today=today)
    return {"application_id": str(app.pk), "draft_id": str(draft.pk), "representation_id": str(rep.pk),
            "assessment_id": str(assessment.pk), "referral_id": str(referral.pk)}


def _requests(client, path, is_api, query):
    """GET the route, then POST a search for ``query`` to it."""
    yield client.get(path)
    if is_api:
        yield client.post(path, json.dumps({"q": query}), content_type="application/json")
    else:
        yield client.post(path, {"q": query})


def _shown(response, query) -> str:
    """The response body without the user's own search text echoed back in the form."""
    return response.content.decode(errors="replace").replace(f'value="{query}"', "")


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return response.status_code == 302 and "login" in response["Location"] or "log-ind" in response.get("Location", "")


def test_the_route_list_is_complete(world):
    routes = all_routes(world["values"])
    names = {r.name for r in routes}
    assert {"registry:overview", "registry:search", "registry:my_data", "registry:my_log"} <= names
    api_paths = {p for _, p in api_operations(world["values"])}
    assert api_paths == {r.path for r in routes if r.is_api} - {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/"}


def test_anonymous_is_refused_everywhere_but_the_public_routes(client, world):
    checked = []
    for route in all_routes(world["values"]):
        if route.name in PUBLIC:
            continue
        for response in _requests(client, route.path, route.is_api, "Holmgaard"):
            assert _refused(response), f"{route.name} {route.path} answered {response.status_code} to anonymous"
        checked.append(route.name)
    for method, path in api_operations(world["values"]):
        response = client.generic(method, path, json.dumps({"q": "Holmgaard"}), content_type="application/json")
        assert response.status_code == 401, f"API {method} {path} answered {response.status_code} to anonymous"
    assert len(checked) > 20  # the admin's routes and ours


def test_demo_routes_do_not_exist_outside_demo_mode(client, world, settings):
    settings.DEMO_MODE = False
    assert client.get("/demo/").status_code == 404
    assert client.post(f"/demo/log-ind/{world['values']['user_id']}/").status_code == 404
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.BORGERSERVICE, Role.JOBCENTRE_MANAGER])
def test_another_municipality_sees_nothing_of_the_citizen(client, world, role):
    karen = world["karen"]
    client.force_login(UserFactory(role=role, municipalities=[101], is_staff=True))
    for route in all_routes(world["values"]):
        if route.name in {"core:logout", "admin:logout"}:
            continue
        for query in ("Holmgaard", karen.cpr):
            for response in _requests(client, route.path, route.is_api, query):
                body = _shown(response, query)
                assert "Holmgaard" not in body and karen.cpr not in body, f"{route.name} leaked the citizen"
                if str(karen.pk) in route.path:
                    assert _refused(response), f"{route.name} answered {response.status_code}"
    for method, path in api_operations(world["values"]):
        for query in ("Holmgaard", karen.cpr):
            response = client.generic(method, path, json.dumps({"q": query}), content_type="application/json")
            assert "Holmgaard" not in response.content.decode(), f"API {method} {path} leaked the citizen"
    assert not AuditRecord.objects.filter(citizen_uuid=karen.pk).exists()


@pytest.mark.parametrize("who", ["caseworker", "udk", "citizen"])
def test_every_response_with_citizen_data_wrote_an_audit_record(client, world, who):
    karen = world["karen"]
    user = {
        "caseworker": lambda: UserFactory(role=Role.CASEWORKER, municipalities=[751]),
        "udk": lambda: UserFactory(role=Role.UDK_STAFF, organisation="Udbetaling Danmark"),
        "citizen": lambda: karen.user,
    }[who]()
    client.force_login(user)
    # A citizen's own name is also their login's name (shown in the header of every page),
    # so for them only the CPR number marks registry data.
    markers = [karen.cpr] if who == "citizen" else ["Holmgaard", karen.cpr]
    showing = []
    routes = all_routes(world["values"])
    calls = [(r.path, r.is_api, None) for r in routes if r.name not in {"core:logout", "admin:logout"}]
    calls += [(p, True, m) for m, p in api_operations(world["values"])]
    for path, is_api, method in calls:
        for query in ("Holmgaard", karen.cpr):
            if method:
                body = json.dumps({"q": query})
                responses = [client.generic(method, path, body, content_type="application/json")]
            else:
                responses = _requests(client, path, is_api, query)
            for response in responses:
                body = _shown(response, query)
                if any(marker in body for marker in markers):
                    showing.append(path)
                    assert AuditRecord.objects.filter(
                        citizen_uuid=karen.pk, actor=user, request_id=response["X-Request-ID"]
                    ).exists(), f"{path} showed the citizen's data without an audit record"
    expected = {f"/borgere/{karen.pk}/", f"/api/v1/citizens/{karen.pk}"}
    if who == "citizen":
        expected = {"/mit/", f"/api/v1/citizens/{karen.pk}"}
    else:
        expected |= {"/borgere/", "/api/v1/citizens/search"}
    if who == "caseworker":
        expected |= {"/sager/", f"/sager/{world['values']['case_id']}/", "/sager/opgaver/", "/api/v1/casework/cases"}
    assert expected <= set(showing)


def test_unknown_citizen_ids_are_not_found(client, world):
    client.force_login(UserFactory(role=Role.UDK_STAFF))
    assert client.get(f"/borgere/{uuid.uuid4()}/").status_code == 404
    assert client.get(f"/api/v1/citizens/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/v1/citizens/not-a-uuid").status_code == 422


def _helper(world):
    from helhed.registry.models import Representation

    return Representation.objects.select_related("representative__user").get(
        pk=world["values"]["representation_id"]).representative


@pytest.mark.parametrize("who", ["caseworker", "borgerservice", "jobcentre_manager", "udk", "userorg_member",
                                 "citizen", "representative"])
def test_every_person_a_page_names_has_one_read_log_entry(client, world, who):
    """Karen and Bjarne, who holds her fuldmagt: whenever a page or an API response shows
    either's name or CPR number, that request wrote exactly one read-log entry for that
    person. A user's own name in the page header is not a read of their data, so for the
    logged-in citizen only the CPR number marks their own data."""
    karen, bjarne = world["karen"], _helper(world)
    user = {
        "caseworker": lambda: UserFactory(role=Role.CASEWORKER, municipalities=[751]),
        "borgerservice": lambda: UserFactory(role=Role.BORGERSERVICE, municipalities=[751]),
        "jobcentre_manager": lambda: UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751]),
        "udk": lambda: UserFactory(role=Role.UDK_STAFF, organisation="Udbetaling Danmark"),
        "userorg_member": lambda: UserFactory(role=Role.USERORG_MEMBER, organisation="Hus Forbi"),
        "citizen": lambda: karen.user,
        "representative": lambda: bjarne.user,
    }[who]()
    client.force_login(user)
    people = {
        karen: [karen.cpr] if user == karen.user else ["Holmgaard", karen.cpr],
        bjarne: [bjarne.cpr] if user == bjarne.user else ["Fuldmagtsen", bjarne.cpr],
    }
    calls = [(r.path, r.is_api, None) for r in all_routes(world["values"])
             if r.name not in {"core:logout", "admin:logout"}]
    calls += [(p, True, m) for m, p in api_operations(world["values"])]
    named: dict[str, set[str]] = {"Holmgaard": set(), "Fuldmagtsen": set()}
    problems = []
    for path, is_api, method in calls:
        for query in ("Holmgaard", karen.cpr):
            if method:
                responses = [client.generic(method, path, json.dumps({"q": query}), content_type="application/json")]
            else:
                responses = _requests(client, path, is_api, query)
            for response in responses:
                body = _shown(response, query)
                for person, markers in people.items():
                    if not any(marker in body for marker in markers):
                        continue
                    named[person.last_name].add(path)
                    entries = AuditRecord.objects.filter(citizen_uuid=person.pk, actor=user,
                                                         request_id=response["X-Request-ID"]).count()
                    if entries != 1:
                        problems.append(f"{response.request['REQUEST_METHOD']} {path} named {person.first_name} "
                                        f"with {entries} read-log entries")
    assert not problems, "\n".join(sorted(set(problems)))
    # The walk reached the pages that name the representative next to the citizen.
    application = f"/ansoegninger/{world['values']['application_id']}/"
    if who in {"caseworker", "borgerservice", "jobcentre_manager", "udk", "citizen", "representative"}:
        assert any(p.startswith(application) or p == application for p in named["Fuldmagtsen"] | named["Holmgaard"])
