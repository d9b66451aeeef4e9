"""Reads of the citizen registry. Every function that returns personal data takes the
acting user, applies the user's scope and writes the read to the audit log."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import rules
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from helhed.core.audit import record_read
from helhed.core.cpr import cpr_blind_index, parse_cpr
from helhed.core.models import User
from helhed.core.roles import Role
from helhed.core.rules import municipality_scope
from helhed.registry.models import (
    Citizen,
    DigitalPostExemption,
    NeedsConclusion,
    Representation,
    SpecialNeedsAssessment,
)
from helhed.registry.overview import OverviewSection, load_sections

SEARCH_LIMIT = 50
_CPR_LIKE = re.compile(r"^[\d\s-]+$")


def citizens_visible_to(user: User) -> QuerySet[Citizen]:
    """The citizens a user may see: staff within their municipality scope, a citizen
    only themselves, every other role none."""
    qs = Citizen.objects.select_related("home_municipality")
    if getattr(user, "role", None) == Role.CITIZEN:
        return qs.filter(user=user) if user.is_active else qs.none()
    if not rules.has_perm("registry.search_citizens", user):
        return qs.none()
    scope = municipality_scope(user)
    if scope is None:
        return qs
    return qs.filter(home_municipality_id__in=scope)


def search_citizens(*, user: User, query: str, channel: str) -> list[Citizen]:
    """Find citizens by CPR number (exact, through the blind index) or by name (every word
    must occur in the name), within the user's scope. An invalid CPR number raises
    ``ValidationError``. Every citizen returned is recorded as read."""
    query = (query or "").strip()
    visible = citizens_visible_to(user)
    if _CPR_LIKE.match(query):
        facts = parse_cpr(query)
        found = list(visible.filter(cpr_index=cpr_blind_index(facts.number)))
    else:
        condition = Q()
        for word in query.casefold().split():
            condition &= Q(search_name__contains=word)
        found = list(visible.filter(condition)[:SEARCH_LIMIT]) if condition else []
    record_read(
        actor=user,
        citizen_uuids=[c.pk for c in found],
        what="Navn, fødselsdato og bopælskommune (søgeresultat)",
        purpose="Søgning efter borger",
        channel=channel,
    )
    return found


@dataclass
class CitizenOverview:
    citizen: Citizen
    age: int
    digital_post_exemptions: list[DigitalPostExemption]
    active_digital_post_exemption: DigitalPostExemption | None
    representations: list[Representation]
    represents: list[Representation]
    sections: list[tuple[OverviewSection, Any]]
    today: datetime.date


def citizen_overview(
    *, user: User, citizen_id: UUID, purpose: str, channel: str, today: datetime.date
) -> CitizenOverview:
    """The whole citizen, as far as the user may see it. A citizen outside the user's scope
    is reported as not found, so that its existence is not revealed."""
    # Exemptions and representations are fetched once here: sections read them too.
    citizen = (citizens_visible_to(user).filter(pk=citizen_id).prefetch_related(
        "digital_post_exemptions",
        Prefetch("representations", Representation.objects.select_related("representative", "revoked_by")))
        .first())
    if citizen is None:
        raise Http404("Borgeren findes ikke eller er ikke tilgængelig for dig.")
    exemptions = list(citizen.digital_post_exemptions.all())
    representations = list(citizen.representations.all())
    represents = list(citizen.represents.select_related("citizen"))
    sections = load_sections(user=user, citizen=citizen, today=today)
    others = [r.representative_id for r in representations] + [r.citizen_id for r in represents]
    record_read(
        actor=user,
        citizen_uuids=[citizen.pk],
        what=_fit(", ".join(
            ["Stamdata, kontaktoplysninger, NemKonto, Digital Post og repræsentation"]
            + [section.what for section, _ in sections]
        )),
        purpose=purpose,
        channel=channel,
        also=[(other, "Navn (som repræsentant eller repræsenteret)") for other in others],
    )
    return CitizenOverview(
        citizen=citizen,
        age=citizen.age(today),
        digital_post_exemptions=exemptions,
        active_digital_post_exemption=next((e for e in exemptions if e.is_active(today)), None),
        representations=representations,
        represents=represents,
        sections=sections,
        today=today,
    )


def _fit(what: str, limit: int = 200) -> str:
    """The audit record's ``what`` holds 200 characters; many sections can name more."""
    return what if len(what) <= limit else what[: limit - 1] + "…"


def in_force(today: datetime.date) -> Q:
    """The representations in force on ``today``: started, not ended, not revoked (the
    same rule as ``Representation.is_active``, as a query)."""
    return (Q(valid_from__lte=today, revoked_at__isnull=True)
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=today)))


def own_citizen(user: User) -> Citizen:
    """The citizen record behind a citizen's login."""
    citizen = citizens_visible_to(user).first() if user.role == Role.CITIZEN else None
    if citizen is None:
        raise Http404("Der er ingen borger knyttet til dit login.")
    return citizen


def current_assessment(citizen: Citizen) -> SpecialNeedsAssessment | None:
    """The helhedsvurdering in force: the newest one (``SpecialNeedsAssessment``). For
    services that route letters and tasks; it does not audit, so callers that show it do."""
    return citizen.needs_assessments.order_by("-assessed_on", "-created_at").first()


def special_needs_contact(citizen: Citizen) -> User | None:
    """The municipal contact person who must also receive, and explain, every letter in the
    citizen's cases, when the assessment in force finds special needs (seed 004, lov om
    Udbetaling Danmark § 3 stk. 3); else ``None``."""
    assessment = current_assessment(citizen)
    if assessment is None or assessment.conclusion != NeedsConclusion.SPECIAL_NEEDS:
        return None
    return assessment.contact_person
