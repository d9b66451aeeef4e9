"""What a citizen brings to a Borgerservice appointment, per service (the ``ServiceType.code``
of the national defaults, migration 0002). One place: the booking receipt and "Find din tid"
read it. A municipality's own services get the default list."""

from __future__ import annotations

from helhed.borgerservice.models import ServiceType

PHOTO_ID = "Billedlegitimation, fx pas eller kørekort"

WHAT_TO_BRING: dict[str, list[str]] = {
    "pas": ["Dit nuværende pas, hvis du har et", PHOTO_ID, "Betalingskort til gebyret"],
    "koerekort": ["Dit nuværende kørekort, hvis du har et", "Et nyt portrætfoto",
                  "Lægeattest, hvis du har fået besked om, at du skal have en", "Betalingskort til gebyret"],
    "mitid": ["Gyldigt pas eller kørekort", "Din mobiltelefon, hvis du bruger MitID-appen"],
    "sundhedskort": [PHOTO_ID],
    "digital_hjaelp": ["Din mobiltelefon, computer eller tablet, hvis du har en", "Dit MitID",
                       "Breve, du har fået om det, du skal have hjælp til"],
    "udk": ["Breve fra Udbetaling Danmark om sagen", "Dit MitID, hvis du har et"],
    "kontant": [PHOTO_ID],
}
DEFAULT_TO_BRING = [PHOTO_ID, "Breve eller papirer om det, du kommer for"]


def what_to_bring(service: ServiceType) -> list[str]:
    return WHAT_TO_BRING.get(service.code, DEFAULT_TO_BRING)
