"""Who may search and open citizens. The municipal scope is ``core.rules.municipality_scope``;
``selectors.citizens_visible_to`` applies the same scope to querysets."""

import rules

from helhed.core.rules import is_citizen, serves_citizens, serves_municipality


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
