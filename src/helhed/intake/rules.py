"""Who may do what in intake, special needs, representation and Digital Post exemption.
Object-level: a citizen within the user's municipality scope (``registry.rules``)."""

import rules

from helhed.core.roles import Role
from helhed.core.rules import has_role, is_citizen, municipality_in_scope
from helhed.registry.rules import citizen_in_scope

is_udk = has_role(Role.UDK_STAFF)
is_counter_staff = has_role(Role.BORGERSERVICE, Role.CASEWORKER)
is_municipal = has_role(Role.BORGERSERVICE, Role.CASEWORKER, Role.JOBCENTRE_MANAGER)
sees_statistics = has_role(Role.BORGERSERVICE, Role.CASEWORKER, Role.JOBCENTRE_MANAGER, Role.UDK_STAFF,
                           Role.POOL_OFFICER)


@rules.predicate
def referral_in_scope(user, referral) -> bool:
    return municipality_in_scope(user, referral)


# Citizens apply digitally for themselves and, with a fuldmagt, for others ("Jeg hjælper").
rules.add_perm("intake.apply_self", is_citizen)
rules.add_perm("intake.help_others", is_citizen)
rules.add_perm("intake.grant_representation_self", is_citizen)
# Staff register applications: UDK on paper and phone, the municipality in person.
rules.add_perm("intake.register_application", is_udk | is_counter_staff)
rules.add_perm("intake.register_for_citizen", (is_udk | is_counter_staff) & citizen_in_scope)
rules.add_perm("intake.view_applications", is_udk | is_municipal)
# The municipality's helhedsvurdering (lov om Udbetaling Danmark § 3).
rules.add_perm("intake.assess_needs", is_counter_staff)
rules.add_perm("intake.assess_citizen", is_counter_staff & citizen_in_scope)
# Fuldmagt and Digital Post exemption at the counter.
rules.add_perm("intake.manage_representations", is_counter_staff | is_udk)
rules.add_perm("intake.register_exemptions", is_counter_staff)
rules.add_perm("intake.manage_representation", (is_counter_staff | is_udk) & citizen_in_scope)
rules.add_perm("intake.register_exemption", is_counter_staff & citizen_in_scope)
# Referrals: UDK refers, the municipality answers.
rules.add_perm("intake.refer", is_udk)
rules.add_perm("intake.refer_citizen", is_udk & citizen_in_scope)
rules.add_perm("intake.view_referrals", is_udk | is_municipal)
rules.add_perm("intake.answer_referral", is_counter_staff & referral_in_scope)
rules.add_perm("intake.view_channel_statistics", sees_statistics)
# Udbetaling Danmark's guidance contacts (seed 004; forvaltningsloven § 7): only UDK staff
# record them; every role that sees the citizen reads them (the citizen their own).
rules.add_perm("intake.record_guidance", is_udk)
rules.add_perm("intake.record_guidance_for", is_udk & citizen_in_scope)
rules.add_perm("intake.view_guidance", (is_udk | is_municipal) & citizen_in_scope)
