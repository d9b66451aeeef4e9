"""Who may do what with case reviews (seeds 001 and 002).

- Caseworkers and jobcentre managers work the review cases of their own municipalities
  (``core.rules.municipality_scope``); they see the programme, its cases and its progress.
- Jobcentre managers make programmes from register results and assign cases.
- Pool officers (the ministry) see every programme's aggregate figures, never a citizen, a
  case or a caseworker's name (README, "Roles").
"""

import rules

from helhed.core.roles import Role
from helhed.core.rules import has_role, serves_municipality

works_cases = has_role(Role.CASEWORKER, Role.JOBCENTRE_MANAGER)
is_manager = has_role(Role.JOBCENTRE_MANAGER)
is_pool_officer = has_role(Role.POOL_OFFICER)


@rules.predicate
def programme_in_scope(user, obj) -> bool:
    """``obj`` is a programme or a review case."""
    if obj is None:
        return False
    return serves_municipality(user, obj.municipality_id if hasattr(obj, "municipality_id")
                               else obj.programme.municipality_id)


rules.add_perm("review.view_programmes", works_cases | is_pool_officer)
rules.add_perm("review.create_programme", is_manager)
# Object: a programme.
rules.add_perm("review.view_programme", (works_cases & programme_in_scope) | is_pool_officer)
rules.add_perm("review.view_cases", works_cases & programme_in_scope)
rules.add_perm("review.assign_cases", is_manager & programme_in_scope)
rules.add_perm("review.import_efforts", works_cases & programme_in_scope)
rules.add_perm("review.record_measurement", (is_manager & programme_in_scope) | is_pool_officer)
# Object: a review case.
rules.add_perm("review.work_case", works_cases & programme_in_scope)
# Object: a review case. The service also refuses the person who entered the fact.
rules.add_perm("review.approve_facts", works_cases & programme_in_scope)
# Object: a programme. Pool officers, and jobcentre managers for their own municipality.
rules.add_perm("review.import_register", (is_manager & programme_in_scope) | is_pool_officer)
