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
from helhed.core.rules import permitted_or_404, scoped
from helhed.registry.models import (
    Citizen,
    DigitalPostExemption,
    ExplainLetterLine,
    Language,
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
    return scoped(qs, user, "home_municipality_id")


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


def citizen_to_act_on(*, user: User, citizen_id, perm: str, what: str, purpose: str, channel: str) -> Citizen:
    """The citizen a staff member is about to act on: in their scope and with ``perm`` on
    the citizen, else 404 (existence hidden). The form shows what the citizen's record holds
    (``what``), so the read is recorded."""
    citizen = permitted_or_404(citizens_visible_to(user).filter(pk=citizen_id).first(), user=user, perm=perm,
                               message="Borgeren findes ikke eller er ikke tilgængelig for dig.")
    record_read(actor=user, citizen_uuids=[citizen.pk], what=what, purpose=purpose, channel=channel)
    return citizen


def citizen_for_nemkonto(*, user: User, citizen_id, channel: str) -> Citizen:
    """The citizen whose new account a staff member records (name and NemKonto status)."""
    return citizen_to_act_on(user=user, citizen_id=citizen_id, perm="registry.record_nemkonto",
                             what="Navn og NemKonto", purpose="Registrering af borgerens nye konto (NemKonto)",
                             channel=channel)


def explain_letter_line(citizen: Citizen) -> ExplainLetterLine | None:
    """The line in the citizen's preferred language that the home municipality has set up
    for letters, if any (``models.ExplainLetterLine``)."""
    if citizen.preferred_language in ("", Language.DA, Language.OTHER):
        return None
    return ExplainLetterLine.objects.filter(municipality_id=citizen.home_municipality_id,
                                            language=citizen.preferred_language).first()


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


READ_LOG_PAGE_SIZE = 50

# How a citizen acting for another is named in that citizen's read log: by the kind of
# representation they hold, never as "borger" (issue 18).
_REPRESENTATIVE_ROLE = {
    "fuldmagt": "repræsentant med fuldmagt",
    "partsrepraesentant": "partsrepræsentant",
    "bisidder": "bisidder",
}


@dataclass
class ReadLogRow:
    at: datetime.datetime
    who: str
    role: str
    organisation: str
    is_self: bool
    what: str
    purpose: str


@dataclass
class ReadLogPage:
    days: list[tuple[datetime.date, list[ReadLogRow]]]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def read_log(*, user: User, page: int | str | None) -> ReadLogPage:
    """The citizen's own "who looked at my data": every recorded read, newest first, grouped
    by day (Danish time) and paged. Staff are named with their role and organisation; a
    citizen who read as a representative is named with the representation they hold (their
    name and "repræsentant med fuldmagt"), never as a citizen. Source: issue 18 (the
    citizen's "who looked at my data"); ARCHITECTURE.md (every read is audited).
    ``READ_LOG_PAGE_SIZE`` is our parameter."""
    from django.utils import timezone

    from helhed.core.selectors import audit_log_for_citizen

    citizen = own_citizen(user)
    try:
        number = max(1, int(page or 1))
    except (TypeError, ValueError):
        number = 1
    # One row more than a page tells whether there are older ones, without counting a
    # log that only grows.
    start = (number - 1) * READ_LOG_PAGE_SIZE
    records = list(audit_log_for_citizen(citizen_uuid=citizen.pk).select_related(None)
                   [start:start + READ_LOG_PAGE_SIZE + 1])
    has_next = len(records) > READ_LOG_PAGE_SIZE
    records = records[:READ_LOG_PAGE_SIZE]
    acting_citizens = {r.actor_id for r in records if r.actor_role == Role.CITIZEN and r.actor_id != user.pk}
    kinds: dict[int, str] = {}
    held = (Representation.objects.filter(citizen=citizen, representative__user_id__in=acting_citizens)
            .order_by("-valid_from").values_list("representative__user_id", "kind") if acting_citizens else [])
    for user_id, kind in held:
        kinds.setdefault(user_id, kind)
    days: dict[datetime.date, list[ReadLogRow]] = {}
    for r in records:
        is_self = r.actor_id == user.pk
        if is_self:
            role, organisation = "dig selv", ""
        elif r.actor_role == Role.CITIZEN:
            role, organisation = _REPRESENTATIVE_ROLE.get(kinds.get(r.actor_id, ""), "repræsentant"), ""
        else:
            label = r.get_actor_role_display()  # "medarbejder i Udbetaling Danmark": names keep their capitals
            role, organisation = label[:1].lower() + label[1:], r.actor_organisation
        local = timezone.localtime(r.at)
        days.setdefault(local.date(), []).append(ReadLogRow(
            at=local, who=r.actor_name, role=role, organisation=organisation, is_self=is_self, what=r.what,
            purpose=r.purpose))
    return ReadLogPage(days=list(days.items()), number=number, has_next=has_next)
