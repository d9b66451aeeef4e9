"""Who may do what with grant pools (seed 002; README "Roles").

- Pool officers (the ministry) define pools, decide applications, allocate, evaluate
  tranches, create follow-up pools, see every municipality's figures and export the
  pseudonymised evaluation data. They never see a citizen's CPR number or name.
- Jobcentre managers apply for their own municipality; caseworkers and jobcentre managers
  see the pools and their own municipality's dashboard and reports, never another's.
"""

import rules

from helhed.core.roles import Role
from helhed.core.rules import has_role, own_municipalities

is_pool_officer = has_role(Role.POOL_OFFICER)
municipal_staff = has_role(Role.CASEWORKER, Role.JOBCENTRE_MANAGER)
is_manager = has_role(Role.JOBCENTRE_MANAGER)


@rules.predicate
def own_municipality(user, code) -> bool:
    """``code`` is a municipality code of the user's own scope."""
    return code is not None and int(code) in own_municipalities(user)


rules.add_perm("pools.view_pools", is_pool_officer | municipal_staff)
rules.add_perm("pools.manage_pools", is_pool_officer)
rules.add_perm("pools.view_overview", is_pool_officer)
rules.add_perm("pools.export", is_pool_officer)
rules.add_perm("pools.apply", is_manager)
# Object: a municipality code.
rules.add_perm("pools.view_municipality", is_pool_officer | (municipal_staff & own_municipality))
rules.add_perm("pools.apply_for", is_manager & own_municipality)

# The ambassador corps (seed 002): seen by pool officers and municipal staff; kept by pool
# officers, and by a jobcentre manager for their own municipality (object: municipality code).
rules.add_perm("pools.view_ambassadors", is_pool_officer | municipal_staff)
rules.add_perm("pools.manage_ambassadors", is_pool_officer | (is_manager & own_municipality))
