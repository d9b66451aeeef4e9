"""Who may do what in Borgerservice. Staff work within their own municipalities
(``core.rules.municipality_scope``); a citizen sees and changes only their own bookings; a
booker without login reaches their booking only through its reference."""

import rules

from helhed.core.roles import Role
from helhed.core.rules import has_role, is_citizen, municipality_in_scope
from helhed.registry.rules import citizen_in_scope

# Borgerservice staff run the service points and the counter.
serves_counter = has_role(Role.BORGERSERVICE)
# Statistics also for jobcentre managers of the municipality.
sees_statistics = has_role(Role.BORGERSERVICE, Role.JOBCENTRE_MANAGER)


@rules.predicate
def is_own_appointment(user, appointment) -> bool:
    return (appointment is not None and appointment.citizen_id is not None
            and appointment.citizen.user_id is not None and appointment.citizen.user_id == user.pk)


rules.add_perm("borgerservice.serve_counter", serves_counter)
rules.add_perm("borgerservice.manage_point", serves_counter & municipality_in_scope)
rules.add_perm("borgerservice.manage_appointment", serves_counter & municipality_in_scope)
# Object: the citizen booked for or helped.
rules.add_perm("borgerservice.book_for_citizen", serves_counter & citizen_in_scope)
rules.add_perm("borgerservice.view_statistics", sees_statistics)
rules.add_perm("borgerservice.book_own", is_citizen)
rules.add_perm("borgerservice.change_own_appointment", is_citizen & is_own_appointment)
