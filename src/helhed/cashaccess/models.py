"""Access to cash (seed 000): the solutions a municipality offers, the arrangements it sets
up for citizens who cannot use payment or cash cards, and the log of every hand-out.

Seed 000 (Ramme for partnerskab om adgang til kontanter for udsatte grupper, 16-06-2022):
banks closed most staffed cash desks, and "en mindre gruppe borgere, der af forskellige
årsager ikke er i stand til at benytte hverken betalings- eller hævekort" cannot get cash.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhed.core.appendonly import AppendOnlyModel
from helhed.core.formats import kortdato, kroner
from helhed.core.models import Municipality
from helhed.registry.models import Citizen


class SolutionType(models.TextChoices):
    """The kinds of solution the partnership spreads (seed 000, "Partnerskabet"), plus the
    ones the municipalities of the partnership run (DOMAIN.md: København, Aarhus)."""

    BANK_TENDER = "bank_tender", "Krav om kontantadgang i kommunens bankudbud"
    CASH_CARD = "cash_card", "Kontantkort"
    PAYMENT_CARD_HANDLING = "payment_card_handling", "Håndtering og udlevering af betalingskort"
    SERVICE_POINT_PAYOUT = "service_point_payout", "Kontant udbetaling på et servicested"
    PARTNER_BANK_OUTREACH = "partner_bank_outreach", "Kontanter i partnerbank med gadeplansmedarbejder"
    OTHER = "other", "Anden løsning"


class Solution(models.Model):
    """A cash-access solution one municipality offers. A bank-tender requirement carries the
    requirement's text, the bank and the contract period; payment-card handling says who
    keeps the card and where it is handed out."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="cash_solutions", verbose_name="kommune"
    )
    kind = models.CharField("type", max_length=32, choices=SolutionType.choices)
    name = models.CharField("navn", max_length=150)
    description = models.TextField("beskrivelse", blank=True)
    provider = models.CharField("udbyder", max_length=150, help_text="Fx kommunen, en bank eller en organisation.")
    locations = models.TextField("steder", blank=True, help_text="Et sted pr. linje.")
    capacity = models.PositiveIntegerField("kapacitet (borgere)", null=True, blank=True)
    starts_on = models.DateField("startdato")
    ends_on = models.DateField("slutdato", null=True, blank=True)
    requirement_text = models.TextField("kravets tekst", blank=True)
    bank = models.CharField("bank", max_length=150, blank=True)
    contract_starts_on = models.DateField("kontrakt fra", null=True, blank=True)
    contract_ends_on = models.DateField("kontrakt til", null=True, blank=True)
    card_kept_by = models.CharField("hvem opbevarer kortet", max_length=150, blank=True)
    handout_place = models.CharField("hvor udleveres kortet", max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["municipality__name", "kind", "name"]
        verbose_name = "kontantløsning"
        verbose_name_plural = "kontantløsninger"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="cash_solution_period_ordered",
                violation_error_message="Slutdatoen ligger før startdatoen.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"

    def is_active(self, today: datetime.date) -> bool:
        return self.starts_on <= today and (self.ends_on is None or today <= self.ends_on)

    def location_list(self) -> list[str]:
        return [line.strip() for line in self.locations.splitlines() if line.strip()]


class CardIncapacity(models.TextChoices):
    """Why a citizen cannot use payment or cash cards (seed 000: "af forskellige årsager")."""

    COGNITIVE = "cognitive", "Kognitiv funktionsnedsættelse eller demens"
    PHYSICAL = "physical", "Fysisk funktionsnedsættelse"
    ADDICTION = "addiction", "Misbrug: kortet bliver stjålet, solgt eller mistet"
    HOMELESS = "homeless", "Hjemløshed: kan ikke opbevare kort og kode"
    NO_ACCOUNT = "no_account", "Har ingen bankkonto eller NemKonto"
    OTHER = "other", "Anden årsag"


class PayoutRoute(models.TextChoices):
    """How a benefit reaches the citizen."""

    NEMKONTO = "nemkonto", "Til NemKonto"
    CASH = "cash", "Kontant udbetaling"
    PAYMENT_CARD = "payment_card", "Betalingskort, som kommunen udleverer"
    CASH_CARD = "cash_card", "Kontantkort"


class Benefit(models.TextChoices):
    KONTANTHJAELP = "kontanthjaelp", "Kontanthjælp"
    UDDANNELSESHJAELP = "uddannelseshjaelp", "Uddannelseshjælp"
    INTEGRATIONSYDELSE = "integrationsydelse", "Integrationsydelse"
    OTHER = "other", "Anden ydelse"


class Schedule(models.TextChoices):
    WEEKLY = "weekly", "Hver uge"
    TWICE_MONTHLY = "twice_monthly", "To gange om måneden"
    MONTHLY = "monthly", "En gang om måneden"


class ArrangementStatus(models.TextChoices):
    ACTIVE = "active", "Aktiv"
    PAUSED = "paused", "Sat i bero"
    ENDED = "ended", "Afsluttet"


# The arrangement's state machine: which status may follow which. Ended is final.
ALLOWED_TRANSITIONS = {
    ArrangementStatus.ACTIVE: {ArrangementStatus.PAUSED, ArrangementStatus.ENDED},
    ArrangementStatus.PAUSED: {ArrangementStatus.ACTIVE, ArrangementStatus.ENDED},
    ArrangementStatus.ENDED: set(),
}


class Arrangement(models.Model):
    """A citizen's cash arrangement: which of the municipality's solutions, how the benefit
    is paid, how often, and who hands out cash or cards. Set up by
    ``services.set_up_arrangement``; its status changes only through the services."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="cash_arrangements",
                                verbose_name="borger")
    solution = models.ForeignKey(Solution, on_delete=models.PROTECT, related_name="arrangements",
                                 verbose_name="løsning")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="kommune")
    incapacity = models.CharField("hvorfor kan borgeren ikke bruge kort", max_length=16,
                                  choices=CardIncapacity.choices)
    incapacity_note = models.TextField("uddybning", blank=True)
    benefit = models.CharField("ydelse", max_length=32, choices=Benefit.choices)
    payout_route = models.CharField("udbetales som", max_length=16, choices=PayoutRoute.choices)
    schedule = models.CharField("hvor ofte", max_length=16, choices=Schedule.choices)
    handed_out_by = models.CharField("hvem udleverer", max_length=150,
                                     help_text="Fx Borgerservice, gadeplansmedarbejderen eller bostedet.")
    starts_on = models.DateField("startdato")
    ends_on = models.DateField("slutdato", null=True, blank=True)
    status = models.CharField("status", max_length=8, choices=ArrangementStatus.choices,
                              default=ArrangementStatus.ACTIVE)
    following_payout_route = models.CharField(
        "udbetales herefter som", max_length=16, choices=PayoutRoute.choices, blank=True,
        help_text="Hvordan ydelsen udbetales, mens ordningen er sat i bero eller efter den er afsluttet.",
    )
    status_reason = models.CharField("begrundelse for seneste statusændring", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "kontantordning"
        verbose_name_plural = "kontantordninger"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="cash_arrangement_period_ordered",
                violation_error_message="Slutdatoen ligger før startdatoen.",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return f"{self.solution.name}: {self.get_payout_route_display().lower()}"

    def is_running(self, on: datetime.date) -> bool:
        """Set up by ``on`` and not ended before it (a paused arrangement still counts)."""
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


class HandoutKind(models.TextChoices):
    CASH = "cash", "Kontanter"
    CARD = "card", "Kort"


class Acknowledgement(models.TextChoices):
    SIGNED = "signed", "Borgeren har kvitteret med underskrift"
    ORAL_WITNESSED = "oral_witnessed", "Borgeren har kvitteret mundtligt, bevidnet af en kollega"


class ExpectedHandout(models.Model):
    """A benefit payment made in cash ("Kontant udbetaling", ``casework.Payment``) waiting to
    be handed out on the citizen's cash arrangement. The arrangement decides where and from
    when (``services.collection_for``); the letter about the payment says so; the hand-out
    log shows it until a hand-out confirms it. Written by ``services.expect_cash_handout``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="expected_handouts",
                                    verbose_name="ordning")
    payment = models.OneToOneField("casework.Payment", on_delete=models.PROTECT, related_name="expected_handout",
                                   verbose_name="udbetaling")
    amount = models.DecimalField("beløb (kr.)", max_digits=9, decimal_places=2)
    collect_from = models.DateField("kan hentes fra")
    place = models.CharField("sted", max_length=200)
    handed_out_by = models.CharField("udleveres af", max_length=150)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["collect_from", "created_at"]
        verbose_name = "forventet udlevering"
        verbose_name_plural = "forventede udleveringer"
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="cash_expected_amount_positive",
                                   violation_error_message="Beløbet skal være over 0 kr."),
        ]

    def __str__(self) -> str:
        return f"{kroner(self.amount)} fra {kortdato(self.collect_from)}"


class Handout(AppendOnlyModel):
    """One hand-out of cash or a card: date, amount or card, staff member and the citizen's
    acknowledgement. Append-only like ``core.AuditRecord``: model, queryset, admin and (on
    PostgreSQL) a trigger refuse every change and deletion; a mistake is corrected by an
    appended reversal (``reverses`` and ``reason`` set, same kind and amount as the entry it
    cancels), never by editing the old one. ``expected`` is the cash payment the hand-out
    confirms. ``idempotency_key`` makes a form posted twice one hand-out."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="handouts",
                                    verbose_name="ordning")
    handed_out_on = models.DateField("udleveret den")
    kind = models.CharField("hvad blev udleveret", max_length=8, choices=HandoutKind.choices)
    amount = models.DecimalField("beløb (kr.)", max_digits=9, decimal_places=2, null=True, blank=True)
    card = models.CharField("kort", max_length=100, blank=True, help_text="Fx kortets type og sidste fire cifre.")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="medarbejder")
    staff_name = models.CharField("medarbejderens navn", max_length=150)
    acknowledgement = models.CharField("borgerens kvittering", max_length=16, choices=Acknowledgement.choices,
                                       blank=True)
    expected = models.ForeignKey(ExpectedHandout, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="handouts", verbose_name="bekræfter udbetalingen")
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversal", verbose_name="tilbagefører")
    reason = models.CharField("begrundelse for tilbageførslen", max_length=300, blank=True)
    idempotency_key = models.UUIDField(unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-handed_out_on", "-created_at"]
        verbose_name = "udlevering"
        verbose_name_plural = "udleveringer"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="cash", amount__gt=0) | models.Q(kind="card", amount__isnull=True)),
                name="cash_handout_amount_matches_kind",
                violation_error_message="Kontanter skal have et beløb over 0; et kort har intet beløb.",
            ),
            models.CheckConstraint(
                condition=(models.Q(reverses__isnull=True, reason="") & ~models.Q(acknowledgement=""))
                | (models.Q(reverses__isnull=False) & ~models.Q(reason="")),
                name="cash_handout_reversal_has_reason",
                violation_error_message="En tilbageførsel skal have en begrundelse; en udlevering en kvittering.",
            ),
        ]

    def __str__(self) -> str:
        what = kroner(self.amount) if self.kind == HandoutKind.CASH else self.card
        prefix = "Tilbageført: " if self.reverses_id else ""
        return f"{prefix}{self.handed_out_on}: {what}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

