"""The registry's API: search and open citizens within the caller's scope, and a citizen's
own read log. Every answer with personal data is audited by the selectors."""

from __future__ import annotations

import datetime
from uuid import UUID

import rules
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from helhed.core.api import AuditRecordOut, ErrorOut, api_user
from helhed.core.selectors import audit_log_for_citizen
from helhed.registry import selectors

router = Router(tags=["Borgere"])


class SearchIn(Schema):
    q: str = Field(..., min_length=1, max_length=100, description="CPR-nummer eller del af navn",
                   examples=["Holm"])


class CitizenSummaryOut(Schema):
    id: UUID
    name: str
    birth_date: datetime.date
    home_municipality: int
    home_municipality_name: str


class ExemptionOut(Schema):
    ground: str
    ground_label: str
    registered_on: datetime.date
    expires_on: datetime.date
    active: bool


class CitizenRepresentationOut(Schema):
    kind: str
    kind_label: str
    scope: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    active: bool
    other_id: UUID
    other_name: str


class CitizenOut(CitizenSummaryOut):
    cpr: str
    age: int
    sex: str
    address_line: str
    postcode: str
    city: str
    no_fixed_address: bool
    phone: str
    email: str
    preferred_language: str
    nemkonto: str
    nemkonto_label: str
    digital_post_exempt: bool
    digital_post_exemptions: list[ExemptionOut]
    representatives: list[CitizenRepresentationOut]
    represents: list[CitizenRepresentationOut]


def _summary(c) -> dict:
    return {
        "id": c.pk,
        "name": c.full_name,
        "birth_date": c.birth_date,
        "home_municipality": c.home_municipality_id,
        "home_municipality_name": c.home_municipality.name,
    }


def _representation(r, other, today) -> CitizenRepresentationOut:
    return CitizenRepresentationOut(
        kind=r.kind, kind_label=r.get_kind_display(), scope=r.scope, valid_from=r.valid_from,
        valid_until=r.valid_until, active=r.is_active(today), other_id=other.pk,
        other_name=other.full_name,
    )


@router.post("/citizens/search", response={200: list[CitizenSummaryOut], 403: ErrorOut, 422: ErrorOut},
             summary="Søg borger på CPR-nummer eller navn")
def search_citizens(request, payload: SearchIn):
    api_user(request, "registry.search_citizens", "Din rolle giver ikke adgang til at søge borgere.")
    found = selectors.search_citizens(user=request.auth, query=payload.q, channel="api")
    return [_summary(c) for c in found]


@router.get("/citizens/{citizen_id}", response={200: CitizenOut, 403: ErrorOut, 404: ErrorOut},
            summary="Overblik over én borger")
def get_citizen(request, citizen_id: UUID):
    user = request.auth
    if not (rules.has_perm("registry.search_citizens", user)
            or rules.has_perm("registry.use_self_service", user)):
        raise HttpError(403, "Din rolle giver ikke adgang til borgeres oplysninger.")
    today = timezone.localdate()
    o = selectors.citizen_overview(user=user, citizen_id=citizen_id, channel="api", today=today,
                                   purpose="Opslag via API")
    c = o.citizen
    return CitizenOut(
        **_summary(c), cpr=c.cpr, age=o.age, sex=c.sex, address_line=c.address_line,
        postcode=c.postcode, city=c.city, no_fixed_address=c.no_fixed_address, phone=c.phone,
        email=c.email, preferred_language=c.preferred_language, nemkonto=c.nemkonto,
        nemkonto_label=c.get_nemkonto_display(),
        digital_post_exempt=o.active_digital_post_exemption is not None,
        digital_post_exemptions=[
            ExemptionOut(ground=e.ground, ground_label=e.get_ground_display(),
                         registered_on=e.registered_on, expires_on=e.expires_on,
                         active=e.is_active(today))
            for e in o.digital_post_exemptions
        ],
        representatives=[_representation(r, r.representative, today) for r in o.representations],
        represents=[_representation(r, r.citizen, today) for r in o.represents],
    )


@router.get("/me/audit-log", response={200: list[AuditRecordOut], 403: ErrorOut},
            summary="Hvem har set mine oplysninger (for borgere)")
def my_audit_log(request):
    api_user(request, "core.view_own_audit_log", "Kun borgere har en læselog.")
    citizen = selectors.own_citizen(request.auth)
    return list(audit_log_for_citizen(citizen_uuid=citizen.pk)[:500])
