"""Who may do what on the Kvik-linje (seed 004: "user organisations and municipalities get
a fast track to Udbetaling Danmark: information for a case, status of ongoing cases, advice").

Business rules, each one pure function with its source:

- ``organisation_covers``: which citizens an organisation's key may see.
- ``answer_deadline``: when Udbetaling Danmark must answer a question.
- ``on_kvik_linje``: which cases the fast track shows and takes questions about (Udbetaling
  Danmark's only).

Web permissions (``rules``): Udbetaling Danmark staff answer questions; an organisation's
staff see their own organisation's questions and keys; municipal staff of the citizen's
municipality and Udbetaling Danmark staff register consents; the citizen revokes their own.
"""

from __future__ import annotations

import datetime

import rules

from helhed.casework.models import Authority
from helhed.core.calendar import add_business_days
from helhed.core.roles import MUNICIPAL_ROLES, Role
from helhed.core.rules import has_role, municipality_scope, own_municipalities
from helhed.registry.rules import citizen_in_scope

# Ours: the seeds promise a fast track but give no response time. Three business days is a
# visible, documented parameter (docs/fasttrack.md, docs/rules.md).
ANSWER_BUSINESS_DAYS = 3


def answer_deadline(asked_on: datetime.date) -> datetime.date:
    """The day by which Udbetaling Danmark answers a Kvik-linje question: ``ANSWER_BUSINESS_DAYS``
    Danish business days after the day it was asked (ours; seed 004 names the fast track,
    not its response time)."""
    return add_business_days(asked_on, ANSWER_BUSINESS_DAYS)


# The authority whose cases the Kvik-linje shows: it is Udbetaling Danmark's fast track, not a
# window into the municipality's own cases (kontanthjælp is the municipality's, lov om aktiv
# socialpolitik § 11; the citizen's consent names Udbetaling Danmark).
KVIK_LINJE_AUTHORITY = Authority.UDK


def on_kvik_linje(authority: str) -> bool:
    """Does the Kvik-linje show a case of ``authority``, and take a question about it? Only
    Udbetaling Danmark's cases (seed 004: "user organisations and municipalities get a fast
    track to Udbetaling Danmark: information for a case, status of ongoing cases, advice").
    A municipality's own cases (kontanthjælp, førtidspension) are never on it."""
    return authority == KVIK_LINJE_AUTHORITY


def organisation_covers(*, is_municipality: bool, organisation_municipality_id: int | None,
                        citizen_municipality_id: int, consents, scope: str, today: datetime.date) -> bool:
    """May an organisation's key see a citizen's cases (``scope``)?

    - A municipality: its own citizens (home municipality), whom it helps with their contact
      to Udbetaling Danmark (lov om Udbetaling Danmark § 3 stk. 3; seed 004).
    - A user organisation: only while the citizen's consent or power of attorney to it is
      active on ``today`` and covers ``scope`` (forvaltningsloven § 8; seed 004, "a citizen
      can hand party-representation competence to ..."). ``consents`` are the citizen's
      consents to this organisation.
    """
    if is_municipality:
        return organisation_municipality_id == citizen_municipality_id
    return any(c.is_active(today) and scope in c.scope_set for c in consents)


@rules.predicate
def is_organisation_member(user) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    cached = getattr(user, "_is_organisation_member", None)  # kept in the session (core.access)
    return cached if cached is not None else user.fasttrack_organisations.exists()


@rules.predicate
def is_municipal_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role in MUNICIPAL_ROLES
                and municipality_scope(user))


@rules.predicate
def question_visible(user, question) -> bool:
    """Udbetaling Danmark sees every question; an organisation's members their
    organisation's; municipal staff the questions of their municipality's organisation."""
    if question is None:
        return False
    if user.role == Role.UDK_STAFF:
        return True
    if user.role in MUNICIPAL_ROLES and question.organisation.municipality_id in own_municipalities(user):
        return True
    return user.fasttrack_organisations.filter(pk=question.organisation_id).exists()


@rules.predicate
def owns_consent(user, consent) -> bool:
    return consent is not None and consent.citizen.user_id == user.pk


is_udk = has_role(Role.UDK_STAFF)
registers_consents = has_role(Role.CASEWORKER, Role.BORGERSERVICE, Role.JOBCENTRE_MANAGER, Role.UDK_STAFF)

rules.add_perm("fasttrack.answer_questions", is_udk)
rules.add_perm("fasttrack.view_organisation", is_organisation_member)
rules.add_perm("fasttrack.view_question", (is_udk | is_organisation_member | is_municipal_staff)
               & question_visible)
rules.add_perm("fasttrack.register_consent", registers_consents & citizen_in_scope)
rules.add_perm("fasttrack.revoke_consent", owns_consent)
# Without an object: may the user reach the consent pages at all (the object check follows).
rules.add_perm("fasttrack.register_consents", registers_consents)
rules.add_perm("fasttrack.revoke_any_consent", registers_consents | has_role(Role.CITIZEN))
rules.add_perm("fasttrack.open_questions", is_udk | is_organisation_member | is_municipal_staff)
# The web Kvik-linje (look a citizen up, ask, read answers): a user organisation's staff under
# the citizen's consent, municipal staff under their municipal scope.
rules.add_perm("fasttrack.use_kvik_linje", is_organisation_member | is_municipal_staff)
# A citizen gives a consent to a named organisation in self-service.
rules.add_perm("fasttrack.give_consent", has_role(Role.CITIZEN))
