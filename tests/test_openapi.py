"""schemathesis against the whole project's OpenAPI (every app's routes, /api/v1/): no
operation answers 5xx, and no answer contradicts the schema (status code, content type,
body). In process through Django's WSGI application, with a fixed seed and a bounded
number of examples per operation, authenticated so the calls reach the handlers: a user
token of Udbetaling Danmark staff (national scope) for the user routes, a municipality's
Kvik-linje key for /fasttrack/."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from helhed.casework.models import BenefitArea
from helhed.casework.services import open_case
from helhed.core.roles import Role
from helhed.core.services import create_api_token
from helhed.fasttrack import services as fasttrack
from helhed.fasttrack.models import KeyScope, OrganisationKind
from tests.factories import UserFactory, make_citizen

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def api_world(db):
    # Django's WSGI handler closes the database connection after each request; the test
    # client switches that off, and so must this test, or PostgreSQL loses the test's
    # transaction after the first call.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _world()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _world():
    udk = UserFactory(role=Role.UDK_STAFF, organisation="Udbetaling Danmark")
    _, user_token = create_api_token(user=udk, name="schemathesis")
    aarhus = fasttrack.create_organisation(name="Aarhus Kommune", kind=OrganisationKind.MUNICIPALITY,
                                           municipality_id=751)
    _, org_key = fasttrack.create_key(organisation=aarhus, name="schemathesis", scopes=KeyScope.values,
                                      rate_limit_per_minute=1_000_000)
    karen = make_citizen(municipality=751, first_name="Karen", last_name="Holmgaard")
    import datetime

    open_case(citizen=karen, benefit_area=BenefitArea.BOLIGSTOETTE, opened_on=datetime.date(2026, 1, 5), actor=None)
    return {"user": user_token, "org": org_key}


# Django's WSGI application (helhed.wsgi adds only a start-up check that reads the database).
application = get_wsgi_application()
positive = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
positive.config.generation.update(modes=[GenerationMode.POSITIVE])
negative = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
negative.config.generation.update(modes=[GenerationMode.NEGATIVE])
FUZZ = settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


def _headers(case, api_world):
    token = api_world["org"] if "/fasttrack/" in case.path else api_world["user"]
    return {"Authorization": f"Bearer {token}"}


@positive.parametrize()
@FUZZ
def test_valid_calls_get_answers_that_match_the_schema(case, api_world):
    case.call_and_validate(
        headers=_headers(case, api_world),
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )


@negative.parametrize()
@FUZZ
def test_invalid_calls_get_a_documented_error(case, api_world):
    """Input outside the schema is refused with a status the operation documents (400, 404,
    422 ...), in the documented content type and shape, never with a server error."""
    case.call_and_validate(
        headers=_headers(case, api_world),
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
