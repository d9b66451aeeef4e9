"""Who may do what with cases, letters and the work queue (seed 004, L 86).

- Udbetaling Danmark's staff work the cases Udbetaling Danmark decides, nationally.
- Municipal staff (caseworkers, jobcentre managers) work the municipality's own cases in
  their municipalities; they may read (not work) Udbetaling Danmark's cases of their own
  citizens, because the municipality helps citizens with special needs take part in them
  (lov om Udbetaling Danmark § 3 stk. 3). An Udbetaling Danmark case's municipality is
  that helping municipality, the citizen's home (``Case``), so both kinds of case are read
  by ``Case.municipality``. Borgerservice staff read, like the contact person.
- Staff who may read a case may record a complaint on the citizen's behalf.
- The municipal contact person of a citizen with special needs (lov om Udbetaling Danmark
  § 3 stk. 3; ``registry.selectors.special_needs_contact``) may register the citizen's
  answer to a hearing, or waiver, in any of the citizen's cases; else they only read.
- In self-service a representative acts for the citizen only through a representation in
  force that permits it (``registry.rules.representation_permits``: scope and period;
  revoked or expired permits nothing): reading with any scope, answering a hearing and
  complaining with acting scope for the case's benefit area (``self_service_access``).
- Work queue: municipal staff see their municipalities' tasks, UDK staff UDK's tasks.
- A citizen reads their own letters and cases (and those of citizens they represent) and
  complains about their own decisions.
- The municipal contact person of a citizen with special needs (lov om Udbetaling Danmark
  § 3 stk. 3; seed 004: the municipality helps while Udbetaling Danmark handles the case and
  handles contact with it on the citizen's behalf) adds notes to the case's timeline and
  asks Udbetaling Danmark about its cases; everything else in the case stays read-only to
  them. Caseworkers who work a case may add notes too.
"""

import rules

from helhed.casework.models import Authority
from helhed.core.roles import MUNICIPAL_ROLES, Role
from helhed.core.rules import has_role, is_citizen, serves_citizens, serves_municipality

decides_cases = has_role(Role.CASEWORKER, Role.JOBCENTRE_MANAGER, Role.UDK_STAFF)


def may_read_case(user, case) -> bool:
    if case is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.UDK_STAFF:
        return case.authority == Authority.UDK
    if user.role in MUNICIPAL_ROLES:
        return serves_municipality(user, case.municipality_id)
    return False


def may_work_case(user, case) -> bool:
    if case is None or not decides_cases(user):
        return False
    if user.role == Role.UDK_STAFF:
        return case.authority == Authority.UDK
    return case.authority == Authority.MUNICIPALITY and serves_municipality(user, case.municipality_id)


def may_work_task(user, task) -> bool:
    if task is None or not serves_citizens(user):
        return False
    if user.role == Role.UDK_STAFF:
        return task.authority == Authority.UDK
    return task.authority == Authority.MUNICIPALITY and serves_municipality(user, task.municipality_id)


def is_contact_person(user, case) -> bool:
    """Whether ``user`` is the municipal contact person named by the citizen's helhedsvurdering
    in force (``registry.selectors.special_needs_contact``)."""
    from helhed.registry.selectors import special_needs_contact

    if case is None or not getattr(user, "is_authenticated", False) or user.role not in MUNICIPAL_ROLES:
        return False
    contact = special_needs_contact(case.citizen)
    return contact is not None and contact.pk == user.pk and may_read_case(user, case)


def may_add_note(user, case) -> bool:
    return may_read_case(user, case) and (is_contact_person(user, case) or may_work_case(user, case))


def may_ask_udk(user, case) -> bool:
    return (case is not None and case.authority == Authority.UDK and may_read_case(user, case)
            and is_contact_person(user, case))


def self_service_access(representations, *, benefit_area: str, action: str, today):
    """The first representation in ``representations`` (the representative's, for this
    citizen) that lets them ``action`` ("read" or "act") in ``benefit_area`` today, or None."""
    from helhed.registry.rules import representation_permits

    for representation in representations:
        if representation_permits(representation, action=action, benefit_area=benefit_area, today=today):
            return representation
    return None


case_readable = rules.predicate(may_read_case, name="case_readable")
case_workable = rules.predicate(may_work_case, name="case_workable")
task_workable = rules.predicate(may_work_task, name="task_workable")
contact_person = rules.predicate(is_contact_person, name="contact_person")

rules.add_perm("casework.view_cases", serves_citizens)
rules.add_perm("casework.view_work_queue", serves_citizens)
rules.add_perm("casework.view_print_queue", decides_cases)
rules.add_perm("casework.use_digital_post", is_citizen)
# Object: a case.
rules.add_perm("casework.view_case", serves_citizens & case_readable)
rules.add_perm("casework.work_case", case_workable)
rules.add_perm("casework.record_complaint", serves_citizens & case_readable)
rules.add_perm("casework.add_note", serves_citizens & rules.predicate(may_add_note, name="note_addable"))
rules.add_perm("casework.ask_udk", serves_citizens & rules.predicate(may_ask_udk, name="udk_askable"))
rules.add_perm("casework.respond_to_hearing", case_workable | contact_person)
# Object: a task.
rules.add_perm("casework.work_task", task_workable)
