"""The register engine's API: stored target-group results, their counts per municipality and,
for one's own municipalities, their members (audited by the selector)."""

from __future__ import annotations

import datetime
from uuid import UUID

import rules
from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.errors import HttpError

from helhed.core.api import ErrorOut
from helhed.register import selectors

router = Router(tags=["Målgrupper"])


class ResultOut(Schema):
    id: UUID
    rule_name: str
    rule_version: str
    parameters: dict
    as_of: datetime.date
    input_sha256: str
    total: int
    periods_read: int
    created_at: datetime.datetime
    created_by: str


class KommuneCountOut(Schema):
    kommunekode: int
    name: str
    count: int


class ResultCountsOut(ResultOut):
    counts: list[KommuneCountOut]


class MemberOut(Schema):
    kommunekode: int
    figures: dict
    citizen_id: UUID | None
    citizen_name: str | None


def _result(r) -> dict:
    return {
        "id": r.pk, "rule_name": r.rule_name, "rule_version": r.rule_version, "parameters": r.parameters,
        "as_of": r.as_of, "input_sha256": r.input_sha256, "total": r.total, "periods_read": r.periods_read,
        "created_at": r.created_at, "created_by": r.created_by.get_full_name() or r.created_by.get_username(),
    }


def _require_view(user):
    if not rules.has_perm("register.view_results", user):
        raise HttpError(403, "Din rolle giver ikke adgang til målgrupperesultater.")


@router.get("/register/results", response={200: list[ResultOut], 403: ErrorOut},
            summary="Kørte målgrupperegler, nyeste først")
def list_results(request):
    _require_view(request.auth)
    return [_result(r) for r in selectors.results_visible_to(request.auth)[:200]]


@router.get("/register/results/{result_id}", response={200: ResultCountsOut, 403: ErrorOut, 404: ErrorOut},
            summary="Et resultat med antal pr. kommune (alle 98)")
def get_result(request, result_id: UUID):
    _require_view(request.auth)
    found = selectors.get_result(user=request.auth, result_id=result_id)
    counts = sorted(selectors.result_counts(found), key=lambda c: c.code)
    return {**_result(found), "counts": [{"kommunekode": c.code, "name": c.name, "count": c.count} for c in counts]}


@router.get("/register/results/{result_id}/members", response={200: list[MemberOut], 403: ErrorOut, 404: ErrorOut},
            summary="Målgruppens borgere i dine egne kommuner (logges)")
def result_members(request, result_id: UUID):
    user = request.auth
    _require_view(user)
    found = selectors.get_result(user=user, result_id=result_id)
    try:
        rows = selectors.result_members(user=user, result=found, channel="api",
                                        purpose="Målgruppe: kommunens borgere i målgruppen (API)")
    except PermissionDenied:
        raise HttpError(403, "Din rolle giver ikke adgang til målgruppens borgere.") from None
    return [
        MemberOut(kommunekode=row.member.municipality_id, figures=row.member.figures,
                  citizen_id=row.citizen.pk if row.citizen else None,
                  citizen_name=row.citizen.full_name if row.citizen else None)
        for row in rows
    ]
