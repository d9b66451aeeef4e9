"""The facts every letter states, in one place: who sends it and how to reach them, what the
benefit is and which law it rests on, and how to complain. The letter templates take their
wording from here and nowhere else, so a letter from Udbetaling Danmark never invites the
citizen to "come by" (it has no counter) and a tax-free benefit is never said to be paid
"before tax".

Sources:
- Forvaltningsloven §§ 22-24: a decision not fully granting the application carries
  reasons: the rules applied and the main facts (``BenefitFacts.law``).
- Forvaltningsloven § 25 and retssikkerhedsloven §§ 66-67 (social and benefit matters): a
  decision that can be appealed says where, how and by when to complain; the complaint goes
  to the authority that decided, within 4 weeks of receiving the decision; that authority
  reconsiders it (genvurdering) within 4 weeks and, if it does not change the decision in
  full, forwards it to Ankestyrelsen (``complaint_guidance``).
- Lov om Udbetaling Danmark § 3 stk. 3 (seed 004): the municipality helps a citizen with
  special needs while Udbetaling Danmark handles the case; the letter names the citizen's
  contact person (``contact_person_facts``).
- Taxation: boligstøtte and børne- og ungeydelse are tax-free; pensions, kontanthjælp and
  barselsdagpenge are taxable income (as borger.dk tells citizens about each benefit).

Our parameters (marked ``# parameter``): telephone numbers and hours, and the municipal
addresses of the demo municipalities. They are what the letters say and must be checked
against the authority's own published details before use; a municipality without an entry
gets a letter that names it, points to borger.dk for writing securely and to its
Borgerservice, and says nothing it cannot promise.
"""

from __future__ import annotations

from dataclasses import dataclass

from helhed.casework.models import Authority, BenefitArea

COMPLAINT_WEEKS = 4  # retssikkerhedsloven § 67
RECONSIDERATION_WEEKS = 4  # retssikkerhedsloven § 66 (genvurdering)
SECURE_WRITING = "Digital Post på borger.dk"


@dataclass(frozen=True)
class Sender:
    """Who sends the letter and how the citizen reaches them. ``counter`` is whether the
    citizen can come in person (Udbetaling Danmark has no counter; a municipality's
    Borgerservice has)."""

    name: str
    address_lines: tuple[str, ...]
    phone: str
    phone_hours: str
    write_securely: str = SECURE_WRITING
    counter: str = ""

    @property
    def header(self) -> str:
        return ", ".join((self.name, *self.address_lines))


@dataclass(frozen=True)
class BenefitFacts:
    """What a letter says about a benefit: its name, the law it rests on, and whether it is
    taxed (so the letter says "før skat" or "skattefri")."""

    name: str
    law: str
    taxable: bool


BENEFITS: dict[str, BenefitFacts] = {
    BenefitArea.FOLKEPENSION: BenefitFacts("folkepension", "lov om social pension", taxable=True),
    BenefitArea.FOERTIDSPENSION: BenefitFacts("førtidspension", "lov om social pension", taxable=True),
    BenefitArea.BOLIGSTOETTE: BenefitFacts("boligstøtte", "lov om individuel boligstøtte", taxable=False),
    BenefitArea.BOERNE_UNGEYDELSE: BenefitFacts("børne- og ungeydelse", "lov om en børne- og ungeydelse",
                                                taxable=False),
    BenefitArea.BARSELSDAGPENGE: BenefitFacts("barselsdagpenge", "barselsloven", taxable=True),
    BenefitArea.KONTANTHJAELP: BenefitFacts("kontanthjælp", "lov om aktiv socialpolitik", taxable=True),
}

_UDK_ADDRESS = ("Kongens Vænge 8", "3400 Hillerød")
_UDK_HOURS = "mandag til fredag kl. 9 til 15"  # parameter
# Udbetaling Danmark answers each benefit on its own line.  # parameter
UDK_PHONES: dict[str, str] = {
    BenefitArea.FOLKEPENSION: "70 12 80 63",
    BenefitArea.FOERTIDSPENSION: "70 12 80 63",
    BenefitArea.BOLIGSTOETTE: "70 12 80 63",
    BenefitArea.BOERNE_UNGEYDELSE: "70 12 80 81",
    BenefitArea.BARSELSDAGPENGE: "70 12 80 81",
    BenefitArea.KONTANTHJAELP: "70 12 80 81",
}


@dataclass(frozen=True)
class MunicipalContact:
    address_lines: tuple[str, ...]
    phone: str
    counter: str


# The demo municipalities' citizen service.  # parameter (per municipality, to be configured)
MUNICIPAL_CONTACTS: dict[int, MunicipalContact] = {
    101: MunicipalContact(("Rådhuspladsen 1", "1599 København V"), "33 66 33 66",
                          "Borgerservice, Rådhuspladsen 1. Bestil tid på kk.dk"),
    360: MunicipalContact(("Jernbanegade 7", "4930 Maribo"), "54 67 60 00",
                          "Borgerservice, Jernbanegade 7, Maribo. Bestil tid på lolland.dk"),
    376: MunicipalContact(("Parkvej 37", "4800 Nykøbing F"), "54 73 10 00",
                          "Borgerservice, Parkvej 37, Nykøbing F. Bestil tid på guldborgsund.dk"),
    461: MunicipalContact(("Flakhaven 2", "5000 Odense C"), "66 13 13 72",
                          "Borgerservice, Flakhaven 2. Bestil tid på odense.dk"),
    751: MunicipalContact(("Rådhuspladsen 2", "8000 Aarhus C"), "89 40 20 00",
                          "Borgerservice, Dokk1, Hack Kampmanns Plads 2. Bestil tid på aarhus.dk"),
    851: MunicipalContact(("Boulevarden 13", "9000 Aalborg"), "99 31 31 31",
                          "Borgerservice, Boulevarden 13. Bestil tid på aalborg.dk"),
}
_MUNICIPAL_HOURS = "mandag til fredag kl. 10 til 14"  # parameter


def benefit_facts(benefit_area: str) -> BenefitFacts:
    return BENEFITS[benefit_area]


def udk_sender(benefit_area: str) -> Sender:
    """Udbetaling Danmark: post address, the benefit's phone line, no counter."""
    return Sender(name="Udbetaling Danmark", address_lines=_UDK_ADDRESS, phone=UDK_PHONES[benefit_area],
                  phone_hours=_UDK_HOURS)


def municipal_sender(municipality) -> Sender:
    """A municipality: its address, phone and Borgerservice when configured
    (``MUNICIPAL_CONTACTS``), else its name and the way to write securely only."""
    contact = MUNICIPAL_CONTACTS.get(municipality.code)
    if contact is None:
        return Sender(name=str(municipality), address_lines=(), phone="", phone_hours="",
                      counter=f"Borgerservice i {municipality}")
    return Sender(name=str(municipality), address_lines=contact.address_lines, phone=contact.phone,
                  phone_hours=_MUNICIPAL_HOURS, counter=contact.counter)


def sender_for(case) -> Sender:
    """The sender of every letter in ``case``: the authority that decides it."""
    if case.authority == Authority.UDK:
        return udk_sender(case.benefit_area)
    return municipal_sender(case.municipality)


@dataclass(frozen=True)
class ContactPerson:
    """The municipal contact person of a citizen with special needs (lov om Udbetaling
    Danmark § 3 stk. 3), as the letter names them."""

    name: str
    municipality: str
    phone: str
    email: str


def contact_person_facts(user, municipality) -> ContactPerson | None:
    if user is None:
        return None
    reach = MUNICIPAL_CONTACTS.get(municipality.code)
    return ContactPerson(name=user.get_full_name() or user.get_username(), municipality=str(municipality),
                         phone=reach.phone if reach else "", email=user.email or "")


@dataclass(frozen=True)
class ComplaintGuidance:
    """Where, how and by when to complain (forvaltningsloven § 25, retssikkerhedsloven
    §§ 66-67): to the authority that decided, which reconsiders within 4 weeks and then
    forwards the complaint to Ankestyrelsen if it keeps its decision."""

    to: Sender
    weeks: int = COMPLAINT_WEEKS
    reconsider_weeks: int = RECONSIDERATION_WEEKS


def complaint_guidance(case) -> ComplaintGuidance:
    return ComplaintGuidance(to=sender_for(case))


def letter_context(case, *, contact=None) -> dict:
    """Everything a letter template needs about the case's sender, benefit and complaint
    route, and the contact person when the citizen has one."""
    facts = benefit_facts(case.benefit_area)
    sender = sender_for(case)
    return {
        "benefit": facts.name, "benefit_facts": facts, "sender": sender, "authority": sender.name,
        "complaint": complaint_guidance(case), "reference": case.reference,
        "contact": contact_person_facts(contact, case.municipality),
    }
