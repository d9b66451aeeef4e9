"""The helhed API, assembled from the apps' routers: /api/v1/, OpenAPI at
/api/v1/openapi.json, interactive docs at /api/v1/docs.

Every error, whatever fails, is Danish JSON in one shape, ``{"detail": "…"}`` (``ErrorOut``;
a schema error adds the fields in ``errors``), with one status per kind of error in every
app (docs/api.md):

- 400 the body cannot be read (not JSON, or a form body the server refuses);
- 401 no login and no valid key; 403 the role, the scope or the CSRF check refuses;
- 404 not there, or not visible to the caller (the same answer);
- 405 the path exists, the method does not;
- 409 someone changed the thing first (``code="stale"``), or a duplicate needs confirming
  (``code="unconfirmed_duplicate"``);
- 413 the body is larger than the server takes;
- 422 the input is well-formed but not valid: the schema, or a rule in a service
  (a ``django.core.exceptions.ValidationError``, turned into 422 here and nowhere else);
- 429 too many calls.

The OpenAPI document lists, for every operation, each of these the server can answer
(``HelhedAPI.get_openapi_schema``), so a client and schemathesis can rely on it.
"""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as ServiceRefusal
from django.http import Http404, HttpResponseNotAllowed
from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from helhed.borgerservice.api import router as borgerservice_router
from helhed.casework.api import router as casework_router
from helhed.cashaccess.api import router as cashaccess_router
from helhed.core.api import API_AUTH
from helhed.core.api import router as core_router
from helhed.core.lockout import TooManyFailures, too_many_failures
from helhed.fasttrack.api import router as fasttrack_router
from helhed.intake.api import router as intake_router
from helhed.pools.api import router as pools_router
from helhed.register.api import router as register_router
from helhed.registry.api import router as registry_router
from helhed.review.api import router as review_router

NOT_FOUND = "Findes ikke eller er ikke tilgængelig."
UNAUTHORIZED = "Log ind, eller send en gyldig API-nøgle i headeren `Authorization: Bearer …`."
FORBIDDEN = "Du har ikke adgang til dette med din rolle."
CSRF_FAILED = ("CSRF-kontrollen fejlede: et kald med login-cookie skal sende CSRF-nøglen i headeren "
               "`X-CSRFToken`. Genindlæs siden, og prøv igen, eller brug en API-nøgle.")
UNREADABLE_BODY = "Indholdet kan ikke læses. Send gyldig JSON med Content-Type: application/json."
TOO_LARGE = "Indholdet er for stort. Serveren modtager højst {limit}."
BAD_REQUEST = "Forespørgslen kan ikke behandles. Kontrollér indholdet, og prøv igen."
NOT_ALLOWED = "Metoden {method} findes ikke på denne adresse. Tilladt: {allowed}."

# ninja's own English texts, and what a Danish caller reads instead.
_NINJA_TEXTS = {"CSRF check Failed": CSRF_FAILED, "Cannot parse request body": UNREADABLE_BODY,
                "Unauthorized": UNAUTHORIZED, "Forbidden": FORBIDDEN}

# Codes a service puts on a ValidationError when the caller's copy is out of date or a
# duplicate needs the caller's confirmation: a conflict (409), not invalid input (422).
CONFLICT_CODES = frozenset({"stale", "unconfirmed_duplicate"})


class HelhedAPI(NinjaAPI):
    """NinjaAPI with a Danish JSON 405 and an OpenAPI document that lists every status."""

    def _get_urls(self):
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_method_not_allowed(pattern.callback)
        return patterns

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                _document_errors(method, operation)
        return schema


def _json_method_not_allowed(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = api.create_response(
                request, {"detail": NOT_ALLOWED.format(method=request.method, allowed=allowed)}, status=405)
            response["Allow"] = allowed
        return response

    return wrapper


def _document_errors(method: str, operation: dict) -> None:
    """Add to an operation's responses each error the server can answer it with."""
    error = {"description": "Fejl", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    can_answer = {
        401: bool(operation.get("security")),
        403: method != "get",  # the CSRF check on a call with the login cookie
        404: any(p.get("in") == "path" for p in parameters),
        422: has_body or bool(parameters),
        400: has_body,
        413: has_body,
    }
    responses = operation.setdefault("responses", {})
    for status, possible in can_answer.items():
        if possible and status not in responses and str(status) not in responses:
            responses[status] = error
    if 429 not in responses and any("OrganisationKey" in s for s in operation.get("security", [])):
        responses[429] = error


api = HelhedAPI(
    title="helhed API",
    version="1",
    description="Borgerregister, sager og puljer for kommuner, Udbetaling Danmark og ministeriet. "
    "Alle kald kræver login (session) eller en API-nøgle (Bearer). Alle opslag i borgeres "
    "oplysninger bliver logget, og borgeren kan se loggen. Alle fejl svares som JSON: "
    '{"detail": "…"} på dansk.',
    auth=API_AUTH,
    urls_namespace="api",
)


def _error(request, status: int, detail: str, **extra):
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(ValidationError)
def invalid_input(request, exc):
    """Input that does not fit the schema: the same shape as every other error
    (``detail`` is a text, as ``ErrorOut`` documents), with the fields in ``errors``."""
    def name(e):
        return ".".join(str(p) for p in e.get("loc", ())[1:] if p != "payload") or "?"

    missing = [name(e) for e in exc.errors if e.get("type") == "missing"]
    invalid = [name(e) for e in exc.errors if e.get("type") != "missing"]
    parts = ([f"Mangler: {', '.join(missing)}."] if missing else []) + (
        [f"Ugyldige data i: {', '.join(invalid)}."] if invalid else [])
    return _error(request, 422, " ".join(parts) or "Ugyldige data.", errors=exc.errors)


@api.exception_handler(ServiceRefusal)
def refused_by_a_service(request, exc: ServiceRefusal):
    """A service's ``ValidationError``: the rule refused the input (422), or the caller's
    copy is stale or a duplicate needs confirming (409). ``detail`` is the service's Danish
    message, as the web forms show it."""
    status = 409 if _is_conflict(exc) else 422
    return _error(request, status, " ".join(exc.messages))


def _is_conflict(exc: ServiceRefusal) -> bool:
    fields = getattr(exc, "error_dict", None)
    errors = [e for field in fields.values() for e in field] if fields is not None else exc.error_list
    return bool(errors) and all(getattr(e, "code", None) in CONFLICT_CODES for e in errors)


api.add_exception_handler(TooManyFailures, too_many_failures)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, NOT_FOUND)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return _error(request, 403, str(exc) or FORBIDDEN)


@api.exception_handler(HttpError)
def refused(request, exc: HttpError):
    """An ``HttpError`` from a handler carries its Danish message; ninja's own (CSRF, an
    unreadable body, no login) are said in Danish here."""
    message = str(exc)
    if isinstance(exc, AuthenticationError) and message == "Unauthorized":
        message = UNAUTHORIZED
    elif isinstance(exc, AuthorizationError) and message == "Forbidden":
        message = FORBIDDEN
    else:
        message = next((danish for english, danish in _NINJA_TEXTS.items() if message.startswith(english)), message)
    return _error(request, exc.status_code, message)


@api.exception_handler(RequestDataTooBig)
def too_large(request, exc):
    logging.getLogger("django.security.RequestDataTooBig").warning(str(exc))
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    shown = f"{limit / 1_000_000:.1f} MB".replace(".", ",") if limit else "det tilladte"
    return _error(request, 413, TOO_LARGE.format(limit=shown))


@api.exception_handler(SuspiciousOperation)
def bad_request(request, exc):
    """Too many fields, a malformed multipart body and the like: Django refuses them as
    suspicious; the caller gets a plain 400 and the details go to the security log, as Django does."""
    logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
    return _error(request, 400, BAD_REQUEST)


api.add_router("/", core_router)
api.add_router("/", registry_router)
api.add_router("/", register_router)
api.add_router("/", cashaccess_router)
api.add_router("/", review_router)
api.add_router("/", borgerservice_router)
api.add_router("/", casework_router)
api.add_router("/", intake_router)
api.add_router("/", pools_router)
api.add_router("/", fasttrack_router)
