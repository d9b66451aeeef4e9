"""Who may do what with cash access (seed 000). Municipal staff work within their own
municipalities (``core.rules.municipality_scope``); partnership members see aggregate figures
only, never a citizen; a citizen sees their own arrangement in self-service (through the
registry's overview)."""

import rules

from helhed.core.roles import Role
from helhed.core.rules import has_role, municipality_in_scope
from helhed.registry.rules import citizen_in_scope

# Jobcentre managers and caseworkers record the municipality's solutions; Borgerservice sees them.
records_solutions = has_role(Role.CASEWORKER, Role.JOBCENTRE_MANAGER)
sees_solutions = has_role(Role.CASEWORKER, Role.JOBCENTRE_MANAGER, Role.BORGERSERVICE)
# Caseworkers and Borgerservice staff set up arrangements and hand out cash and cards.
serves_cash_arrangements = has_role(Role.CASEWORKER, Role.BORGERSERVICE)
is_partnership_member = has_role(Role.PARTNERSHIP_MEMBER)


rules.add_perm("cashaccess.view_solutions", sees_solutions)
rules.add_perm("cashaccess.record_solutions", records_solutions)
rules.add_perm("cashaccess.change_solution", records_solutions & municipality_in_scope)
rules.add_perm("cashaccess.serve_arrangements", serves_cash_arrangements)
# Object: the citizen the arrangement is for.
rules.add_perm("cashaccess.set_up_arrangement", serves_cash_arrangements & citizen_in_scope)
# Object: the arrangement.
rules.add_perm("cashaccess.manage_arrangement", serves_cash_arrangements & municipality_in_scope)
rules.add_perm("cashaccess.view_indicators", is_partnership_member)
