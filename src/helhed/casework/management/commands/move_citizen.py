"""``helhed move_citizen --citizen UUID --to KOMMUNEKODE --on ÅÅÅÅ-MM-DD``: register a
citizen's move, as the address change arrives from the CPR register
(``casework.services.move_citizen``: the home municipality and the citizen's Udbetaling
Danmark cases move in one transaction). The citizen is named by helhed's id (the one in the
overview's address), never by CPR number, so no CPR number lands in a shell history."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone

from helhed.casework import services
from helhed.core.calendar import local_date
from helhed.core.commands import Command as HelhedCommand
from helhed.core.commands import InputError, iso_date
from helhed.registry.models import Citizen


class Command(HelhedCommand):
    help = "Registrér, at en borger er flyttet til en anden kommune."

    def add_arguments(self, parser):
        parser.add_argument("--citizen", required=True, type=uuid.UUID, metavar="UUID", help="borgerens id i helhed")
        parser.add_argument("--to", required=True, type=int, metavar="KOMMUNEKODE", help="tilflytningskommunen")
        parser.add_argument("--on", required=True, type=iso_date, metavar="ÅÅÅÅ-MM-DD", help="flyttedatoen")

    def handle(self, citizen, to, on, **_):
        found = Citizen.objects.filter(pk=citizen).first()
        if found is None:
            raise InputError("Borgeren findes ikke.")
        try:
            counts = services.move_citizen(citizen=found, to_municipality_id=to, moved_on=on, actor=None,
                                           today=local_date(timezone.now()))
        except ValidationError as error:
            raise InputError(" ".join(error.messages)) from None
        self.stdout.write(f"Flytningen er registreret. Sager fra Udbetaling Danmark flyttet med: "
                          f"{counts['udk_cases']}. Opgaver til fraflytningskommunen: {counts['handover_tasks']}.")
