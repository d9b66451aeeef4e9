"""The helhed API, assembled from the apps' routers: /api/v1/, OpenAPI at
/api/v1/openapi.json, interactive docs at /api/v1/docs."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import ValidationError

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

api = NinjaAPI(
    title="helhed API",
    version="1",
    description="Borgerregister, sager og puljer for kommuner, Udbetaling Danmark og ministeriet. "
    "Alle kald kræver login (session) eller en API-nøgle (Bearer). Alle opslag i borgeres "
    "oplysninger bliver logget, og borgeren kan se loggen.",
    auth=API_AUTH,
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def invalid_input(request, exc):
    """Input that does not fit the schema: the same shape as every other error
    (``detail`` is a text, as ``ErrorOut`` documents), with the fields in ``errors``."""
    fields = ", ".join(".".join(str(p) for p in e.get("loc", ())[1:] if p != "payload") or "?" for e in exc.errors)
    return api.create_response(request, {"detail": f"Ugyldige data i: {fields}.", "errors": exc.errors}, status=422)


api.add_exception_handler(TooManyFailures, too_many_failures)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Findes ikke eller er ikke tilgængelig."}, status=404)


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
