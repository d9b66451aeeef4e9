"""Reads of the register engine's results. Counts per municipality are aggregates; the member
list is personal data, so ``result_members`` applies the user's municipal scope and writes
every member it links to a registry citizen to the read audit."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from helhed.core.audit import record_read
from helhed.core.formats import kortdato
from helhed.core.models import Municipality, User
from helhed.core.rules import own_municipalities
from helhed.register.models import RegisterExtract, TargetGroupMember, TargetGroupResult
from helhed.registry.models import Citizen
from helhed.registry.selectors import citizens_visible_to

LOOKUP_BATCH = 5000


def results_visible_to(user: User) -> QuerySet[TargetGroupResult]:
    if not rules.has_perm("register.view_results", user):
        return TargetGroupResult.objects.none()
    return TargetGroupResult.objects.select_related("created_by", "extract")


def extracts_visible_to(user: User) -> QuerySet[RegisterExtract]:
    """Extracts are inputs for runs; those who may run rules see them (name, size, checksum)."""
    if not rules.has_perm("register.run_targetgroup", user):
        return RegisterExtract.objects.none()
    return RegisterExtract.objects.select_related("uploaded_by")


def get_result(*, user: User, result_id: UUID) -> TargetGroupResult:
    result = results_visible_to(user).filter(pk=result_id).first()
    if result is None:
        raise Http404("Resultatet findes ikke eller er ikke tilgængeligt for dig.")
    return result


def get_extract(*, user: User, extract_id: UUID) -> RegisterExtract:
    extract = extracts_visible_to(user).filter(pk=extract_id).first()
    if extract is None:
        raise Http404("Udtrækket findes ikke eller er ikke tilgængeligt for dig.")
    return extract


@dataclass(frozen=True)
class KommuneCount:
    code: int
    name: str
    count: int
    share: float  # of the largest count, 0..1, for the bar chart


def result_counts(result: TargetGroupResult) -> list[KommuneCount]:
    """All 98 municipalities with their count, largest first (ties by name)."""
    municipalities = dict(Municipality.objects.values_list("code", "name"))
    counts = [(code, name, result.count_for(code)) for code, name in municipalities.items()]
    largest = max((n for _, _, n in counts), default=0) or 1
    return [KommuneCount(code, name, n, n / largest)
            for code, name, n in sorted(counts, key=lambda c: (-c[2], c[1]))]


def member_scope(user: User) -> frozenset[int]:
    """The municipalities whose members the user may see (empty: none)."""
    if not rules.has_perm("register.view_members", user):
        return frozenset()
    return own_municipalities(user)


@dataclass(frozen=True)
class MemberRow:
    member: TargetGroupMember
    citizen: Citizen | None  # the registry citizen with the same CPR number, if visible


def result_members(*, user: User, result: TargetGroupResult, purpose: str, channel: str) -> list[MemberRow]:
    """The members of ``result`` in the user's own municipalities, each linked to the
    registry citizen with the same blind index when the user may see that citizen. Every
    linked citizen is recorded as read. Refuses users who may see no individual citizen."""
    scope = member_scope(user)
    if not scope:
        raise PermissionDenied("Din rolle giver ikke adgang til målgruppens borgere.")
    members = list(
        result.members.filter(municipality_id__in=scope).select_related("municipality").order_by("id")
    )
    indexes = [m.cpr_index for m in members]
    visible = citizens_visible_to(user)
    citizens = {
        c.cpr_index: c
        for start in range(0, len(indexes), LOOKUP_BATCH)  # SQLite's limit on query parameters
        for c in visible.filter(cpr_index__in=indexes[start:start + LOOKUP_BATCH])
    }
    rows = [MemberRow(member=m, citizen=citizens.get(m.cpr_index)) for m in members]
    # Citizens the user can open first, by name; then the others by municipality.
    rows.sort(key=lambda r: (r.citizen is None, (r.citizen.last_name, r.citizen.first_name) if r.citizen else ("", ""),
                             r.member.municipality.name))
    record_read(
        actor=user,
        citizen_uuids=[row.citizen.pk for row in rows if row.citizen is not None],
        what=f"Navn og målgruppetal ({result.rule_name} pr. {kortdato(result.as_of)})",
        purpose=purpose,
        channel=channel,
    )
    return rows
