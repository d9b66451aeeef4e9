"""The roles a user of helhed can have, and which of them are bound to municipalities.

A user has exactly one role. Municipal roles see citizens of the municipalities the user
is attached to; national roles are not bound to a municipality.
"""

from django.db import models


class Role(models.TextChoices):
    CASEWORKER = "caseworker", "Sagsbehandler (kommune)"
    BORGERSERVICE = "borgerservice", "Borgerservicemedarbejder (kommune)"
    JOBCENTRE_MANAGER = "jobcentre_manager", "Jobcenterleder (kommune)"
    UDK_STAFF = "udk_staff", "Medarbejder i Udbetaling Danmark"
    POOL_OFFICER = "pool_officer", "Puljeansvarlig i ministeriet"
    USERORG_MEMBER = "userorg_member", "Medarbejder i brugerorganisation"
    PARTNERSHIP_MEMBER = "partnership_member", "Medlem af partnerskabet om kontantadgang"
    ADMINISTRATOR = "administrator", "Administrator"
    CITIZEN = "citizen", "Borger"


MUNICIPAL_ROLES = frozenset({Role.CASEWORKER, Role.BORGERSERVICE, Role.JOBCENTRE_MANAGER})
# Roles whose work is serving individual citizens, and so may search and open them.
CITIZEN_SERVING_ROLES = MUNICIPAL_ROLES | {Role.UDK_STAFF}
