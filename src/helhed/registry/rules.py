"""Who may search and open citizens. The municipal scope is ``core.rules.municipality_scope``;
``selectors.citizens_visible_to`` applies the same scope to querysets."""

import datetime

import rules

from helhed.core.rules import is_citizen, serves_citizens, serves_municipality
from helhed.registry.models import Representation, RepresentationScope


@rules.predicate
def citizen_in_scope(user, citizen) -> bool:
    return citizen is not None and serves_municipality(user, citizen.home_municipality_id)


@rules.predicate
def is_the_citizen(user, citizen) -> bool:
    return citizen is not None and citizen.user_id is not None and citizen.user_id == user.pk


rules.add_perm("registry.search_citizens", serves_citizens)
rules.add_perm("registry.view_citizen", (serves_citizens & citizen_in_scope) | (is_citizen & is_the_citizen))
rules.add_perm("registry.use_self_service", is_citizen)
# Staff who serve the citizen record that the citizen has opened an account (NemKonto).
rules.add_perm("registry.record_nemkonto", serves_citizens & citizen_in_scope)


def representation_permits(representation: Representation, *, action: str, benefit_area: str | None,
                           today: datetime.date) -> bool:
    """Whether a representation lets the representative ``action`` ("read" or "act") for the
    citizen, in ``benefit_area`` when acting on one (None: acting in general, e.g. signing a
    declaration, which needs a full fuldmagt). A revoked representation, or one outside its
    start and end, permits nothing; a read-only one permits reading only; one for certain
    benefit areas permits acting in those areas. Source: forvaltningsloven § 8 (a party may
    be represented at every stage, within the power given); seed 004 (representation as in
    NemLog-in)."""
    if not representation.is_active(today):
        return False
    if action == "read":
        return True
    if action != "act" or representation.scope_kind == RepresentationScope.READ_ONLY:
        return False
    if representation.scope_kind == RepresentationScope.FULL:
        return True
    return benefit_area is not None and benefit_area in (representation.benefit_areas or [])
