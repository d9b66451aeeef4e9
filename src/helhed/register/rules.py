"""Who may do what with the register engine.

- Run rules and upload extracts: pool officers (the ministry runs the pools, seed 002) and
  jobcentre managers (the municipality finds its own target group).
- See results, i.e. counts per municipality (aggregates, no person): everybody who works with
  the pools or the municipalities' citizens.
- See the member list of a result: caseworkers and jobcentre managers, and only the members
  in their own municipalities (``core.rules.municipality_scope``); a pool officer sees no
  individual citizen (README, "Roles"), and neither does Udbetaling Danmark, which has no
  part in the municipalities' target groups.
"""

import rules

from helhed.core.roles import MUNICIPAL_ROLES, Role
from helhed.core.rules import has_role

may_run = has_role(Role.POOL_OFFICER, Role.JOBCENTRE_MANAGER)
may_view_results = has_role(Role.POOL_OFFICER, Role.UDK_STAFF, *MUNICIPAL_ROLES)
may_view_members = has_role(Role.CASEWORKER, Role.JOBCENTRE_MANAGER)

rules.add_perm("register.run_targetgroup", may_run)
rules.add_perm("register.view_results", may_view_results)
rules.add_perm("register.view_members", may_view_members)
