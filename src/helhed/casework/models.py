"""Cases (sager) about benefits, whichever channel the application came by.

Seed 004 (L 86, lov om Udbetaling Danmark): Udbetaling Danmark decides most of the benefits
it pays, the municipality decides its own (and førtidspension). A case belongs to one
citizen, one benefit area and the authority that decides it; ``municipality`` is the
citizen's home municipality when the case was opened and scopes municipal staff's access.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhed.core.appendonly import AppendOnlyModel
from helhed.core.formats import kortdato, kroner
from helhed.core.models import Municipality
from helhed.registry.models import Citizen


class Authority(models.TextChoices):
    UDK = "udk", "Udbetaling Danmark"
    MUNICIPALITY = "municipality", "Kommunen"


class BenefitArea(models.TextChoices):
    FOLKEPENSION = "folkepension", "Folkepension"
    FOERTIDSPENSION = "foertidspension", "Førtidspension"
    BOLIGSTOETTE = "boligstoette", "Boligstøtte"
    BOERNE_UNGEYDELSE = "boerne_ungeydelse", "Børne- og ungeydelse"
    BARSELSDAGPENGE = "barselsdagpenge", "Barselsdagpenge"
    KONTANTHJAELP = "kontanthjaelp", "Kontanthjælp"


# Who decides each benefit. Source: seed 004 (lov om Udbetaling Danmark § 2: UDK handles
# folkepension, boligstøtte, børne- og ungeydelse and barselsdagpenge); førtidspension is
# decided by the municipality and paid by UDK (lov om social pension § 18); kontanthjælp is
# the municipality's own (lov om aktiv socialpolitik § 11).
DECIDING_AUTHORITY: dict[str, str] = {
    BenefitArea.FOLKEPENSION: Authority.UDK,
    BenefitArea.FOERTIDSPENSION: Authority.MUNICIPALITY,
    BenefitArea.BOLIGSTOETTE: Authority.UDK,
    BenefitArea.BOERNE_UNGEYDELSE: Authority.UDK,
    BenefitArea.BARSELSDAGPENGE: Authority.UDK,
    BenefitArea.KONTANTHJAELP: Authority.MUNICIPALITY,
}


def deciding_authority(benefit_area: str) -> str:
    """The authority that decides an application in ``benefit_area`` (``DECIDING_AUTHORITY``)."""
    return DECIDING_AUTHORITY[benefit_area]


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "Modtaget"
    PROCESSING = "processing", "Under behandling"
    HEARING = "hearing", "Partshøring"
    DECIDED = "decided", "Afgjort"
    COMPLAINT = "complaint", "Klage under behandling"
    CLOSED = "closed", "Afsluttet"


class Decision(models.TextChoices):
    GRANTED = "granted", "Bevilget"
    REFUSED = "refused", "Afslået"


class Case(models.Model):
    """One case. Changed only through ``helhed.casework.services``; ``version`` is the
    optimistic lock; ``reference`` is the case number shown to people (no personal data).

    ``municipality`` is the citizen's home municipality when the case opens: for the
    municipality's own cases the one that decides, for Udbetaling Danmark's cases the one
    that helps the citizen take part and so may read the case (lov om Udbetaling Danmark § 3
    stk. 3; ``rules.may_read_case``). A move (``services.move_citizen``) gives the citizen's
    Udbetaling Danmark cases the new home in the same transaction."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField("sagsnummer", max_length=20, unique=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="cases", verbose_name="borger")
    benefit_area = models.CharField("ydelse", max_length=24, choices=BenefitArea.choices)
    authority = models.CharField("myndighed", max_length=16, choices=Authority.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="kommune")
    status = models.CharField("status", max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    opened_on = models.DateField("modtaget")
    decided_on = models.DateField("afgjort", null=True, blank=True)
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases", verbose_name="sagsbehandler")
    version = models.PositiveIntegerField("version", default=1)
    decision = models.CharField("afgørelse", max_length=8, choices=Decision.choices, blank=True)
    monthly_amount = models.DecimalField("månedligt beløb", max_digits=10, decimal_places=2, null=True, blank=True)
    benefit_starts_on = models.DateField("ydelsen begynder", null=True, blank=True)
    refusal_reasons = models.TextField("begrundelse for afslag", blank=True)
    hearing_deadline = models.DateField("svarfrist i partshøring", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "reference"]
        verbose_name = "sag"
        verbose_name_plural = "sager"
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["authority", "status"]),
            # The case lists, newest first (selectors.case_list): a municipality's own cases,
            # and Udbetaling Danmark's (nationally, or checked against the citizen's home).
            models.Index(fields=["municipality", "authority", "-opened_on"], name="case_list_municipal"),
            models.Index(fields=["authority", "-opened_on"], name="case_list_authority"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_benefit_area_display()}"


class TaskKind(models.TextChoices):
    REFERRAL = "referral", "Henvisning fra Udbetaling Danmark"
    EXPLAIN_LETTER = "explain_letter", "Forklar brev til borger med særlige behov"
    NEMKONTO = "nemkonto", "Hjælp borgeren med at få en NemKonto"
    HEARING = "hearing", "Partshøring"
    RECONSIDERATION = "reconsideration", "Genvurdering af klage"
    QUESTION = "question", "Spørgsmål via Kvik-linjen"
    CASH_RECONCILIATION = "cash_reconcile", "Kontante udbetalinger og udleveringer stemmer ikke"
    CASH_ARRANGEMENT = "cash_arrangement", "Aftal, hvor og hvornår borgeren får kontanter"
    ACUTE_TRIAGE = "acute_triage", "Vurdér en akut anmodning i Borgerservice"
    MOVED_AWAY = "moved_away", "Borgeren er flyttet: afslut eller overdrag sagen"
    OTHER = "other", "Anden opgave"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Åben"
    DONE = "done", "Løst"


class Task(models.Model):
    """An item in a work queue: the municipality's (``municipality`` set) or Udbetaling
    Danmark's (``authority`` = udk). Every capability puts its tasks here, so a caseworker
    has one queue (``selectors.work_queue``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("type", max_length=16, choices=TaskKind.choices)
    authority = models.CharField("myndighed", max_length=16, choices=Authority.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="kommune")
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks",
                                verbose_name="borger")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks",
                             verbose_name="sag")
    title = models.CharField("opgave", max_length=200)
    description = models.TextField("beskrivelse", blank=True)
    due_on = models.DateField("frist", null=True, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="tasks", verbose_name="tildelt")
    status = models.CharField("status", max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = "opgave"
        verbose_name_plural = "opgaver"
        indexes = [
            models.Index(fields=["municipality", "status", "due_on"]),
            models.Index(fields=["authority", "status", "due_on"]),
        ]
        constraints = [
            # One open NemKonto task per citizen: an application and a payment both ask for
            # one, and the account is opened once (``create_task`` returns the open one).
            models.UniqueConstraint(
                fields=["citizen"], condition=models.Q(kind="nemkonto", status="open"),
                name="one_open_nemkonto_task_per_citizen",
                violation_error_message="Borgeren har allerede en åben NemKonto-opgave.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- The case's timeline ------------------------------------------------------------------

class EventKind(models.TextChoices):
    RECEIVED = "received", "Ansøgning modtaget"
    PROCESSING = "processing", "Sagen er under behandling"
    HEARING = "hearing", "Partshøring sendt"
    HEARING_ANSWERED = "hearing_answered", "Svar på partshøring"
    HEARING_WAIVED = "hearing_waived", "Borgeren giver afkald på at udtale sig"
    HEARING_EXTENDED = "hearing_extended", "Svarfristen er forlænget"
    HEARING_NOT_REQUIRED = "hearing_not_required", "Ingen partshøring"
    GRANTED = "granted", "Bevilget"
    REFUSED = "refused", "Afslået"
    EFTERREGULERING = "efterregulering", "Efterregulering"
    TILBAGEBETALING = "tilbagebetaling", "Krav om tilbagebetaling"
    COMPLAINT = "complaint", "Klage modtaget"
    COMPLAINT_LATE = "complaint_late", "Klage modtaget for sent"
    COMPLAINT_LATE_ACCEPTED = "complaint_late_ok", "Klagen behandles, selv om den kom for sent"
    COMPLAINT_REJECTED = "complaint_rejected", "Klagen er afvist, fordi den kom for sent"
    RECONSIDERED = "reconsidered", "Afgørelsen er ændret efter genvurdering"
    COMPLAINT_FORWARDED = "complaint_forwarded", "Klage sendt til Ankestyrelsen"
    COMPLAINT_OUTCOME = "complaint_outcome", "Ankestyrelsens afgørelse"
    BACK_PAYMENT = "back_payment", "Efterbetaling"
    PAYMENT = "payment", "Udbetaling"
    LETTER = "letter", "Brev sendt"
    CLOSED = "closed", "Sagen er afsluttet"
    NOTE = "note", "Notat"
    QUESTION = "question", "Spørgsmål til Udbetaling Danmark"
    MOVED = "moved", "Borgeren er flyttet"


class CaseEvent(AppendOnlyModel):
    """One event on the case's timeline: who did what, when, and whether a representative
    did it on the citizen's behalf (``representative``). Append-only: the timeline is the
    evidence of how the case was handled (forvaltningsloven § 19, partshøring; seed 004)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name="sag")
    kind = models.CharField("hændelse", max_length=24, choices=EventKind.choices)
    at = models.DateTimeField("tidspunkt", default=timezone.now)
    on = models.DateField("dato")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="udført af")
    actor_name = models.CharField("udført af (navn)", max_length=150, blank=True)
    representative = models.ForeignKey(Citizen, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name="på borgerens vegne af")
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    text = models.CharField("tekst", max_length=500, blank=True)
    amount = models.DecimalField("beløb", max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "hændelse i sag"
        verbose_name_plural = "hændelser i sager"
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{kortdato(self.on)}: {self.get_kind_display()}"

    @property
    def on_behalf(self) -> bool:
        return self.representative_id is not None


# --- Hearings (partshøring) -------------------------------------------------------------------

class HearingPurpose(models.TextChoices):
    DECISION = "decision", "Afgørelse om ansøgningen"
    REPAYMENT = "repayment", "Krav om tilbagebetaling"


class HearingResponse(models.TextChoices):
    ANSWERED = "answered", "Borgeren har svaret"
    WAIVED = "waived", "Borgeren giver afkald på at udtale sig"


class RespondedBy(models.TextChoices):
    CITIZEN = "citizen", "Borgeren selv"
    REPRESENTATIVE = "representative", "Repræsentant med fuldmagt"
    STAFF = "staff", "Medarbejder, der registrerer borgerens svar (fx kontaktpersonen)"


class ResponseChannel(models.TextChoices):
    SELF_SERVICE = "self_service", "Selvbetjening"
    LETTER = "letter", "Brev"
    PHONE = "phone", "Telefon"
    IN_PERSON = "in_person", "Personligt fremmøde"


class Hearing(models.Model):
    """One partshøring (forvaltningsloven §§ 19 and 21): the facts the citizen is heard on,
    the deadline (extended on request, with a reason), and the answer or waiver: by whom and
    on which channel. While it is open (no answer, deadline not passed) no decision to the
    citizen's disadvantage for its ``purpose`` is made (``policy.hearing_hold``).
    ``concluded_on`` is the day the decision it preceded was made: a hearing serves one
    decision."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hearings", verbose_name="sag")
    purpose = models.CharField("høring om", max_length=12, choices=HearingPurpose.choices)
    facts = models.TextField("oplysninger")
    sent_on = models.DateField("sendt")
    deadline = models.DateField("svarfrist")
    extension_reason = models.CharField("begrundelse for forlænget frist", max_length=500, blank=True)
    response = models.CharField("svar", max_length=12, choices=HearingResponse.choices, blank=True)
    responded_on = models.DateField("svaret", null=True, blank=True)
    response_text = models.TextField("borgerens svar", blank=True)
    responded_by = models.CharField("svaret af", max_length=16, choices=RespondedBy.choices, blank=True)
    response_channel = models.CharField("kanal", max_length=16, choices=ResponseChannel.choices, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name="registreret af")
    representative = models.ForeignKey(Citizen, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name="på borgerens vegne af")
    concluded_on = models.DateField("afgørelse truffet", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-sent_on", "-created_at"]
        verbose_name = "partshøring"
        verbose_name_plural = "partshøringer"

    def __str__(self) -> str:
        return f"Partshøring {kortdato(self.sent_on)}, frist {kortdato(self.deadline)}"


# --- Letters --------------------------------------------------------------------------------

class LetterKind(models.TextChoices):
    RECEIPT = "receipt", "Kvittering for ansøgning"
    HEARING = "hearing", "Partshøring"
    GRANTED = "granted", "Afgørelse: bevilget"
    REFUSED = "refused", "Afgørelse: afslag"
    EFTERREGULERING = "efterregulering", "Efterregulering"
    REPAYMENT = "repayment", "Krav om tilbagebetaling"
    BACK_PAYMENT = "back_payment", "Efterbetaling efter klage"
    RECONSIDERED = "reconsidered", "Afgørelse: ændret efter klage"
    COMPLAINT_FORWARDED = "complaint_fwd", "Klagen er sendt til Ankestyrelsen"
    COMPLAINT_REJECTED = "late_rejected", "Klagen er afvist: for sent"


class LetterStatus(models.TextChoices):
    QUEUED = "queued", "Venter på at blive sendt"
    DELIVERED = "delivered", "Sendt"
    FAILED = "failed", "Kunne ikke sendes"


class LetterChannel(models.TextChoices):
    DIGITAL_POST = "digital_post", "Digital Post"
    PRINT = "print", "Papirbrev (udskrift)"


class Letter(models.Model):
    """A letter to the citizen in a case. Its text is fixed when it is written (``body_html``,
    ``text`` and its LIX); the outbox (``helhed.casework.outbox``) renders the PDF and
    delivers it once: to Digital Post, or to the print queue when the citizen is exempt from
    Digital Post or has no self-service login. ``idempotency_key`` makes a retried request
    write one letter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters", verbose_name="sag")
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="letters", verbose_name="borger")
    kind = models.CharField("brevtype", max_length=16, choices=LetterKind.choices)
    subject = models.CharField("overskrift", max_length=200)
    body_html = models.TextField(editable=False)
    text = models.TextField("tekst", editable=False)
    lix = models.DecimalField("LIX", max_digits=5, decimal_places=1)
    written_on = models.DateField("dato")
    status = models.CharField("status", max_length=12, choices=LetterStatus.choices, default=LetterStatus.QUEUED)
    channel = models.CharField("sendt som", max_length=16, choices=LetterChannel.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField("sendt", null=True, blank=True)
    printed_at = models.DateTimeField("udskrevet", null=True, blank=True)
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    contact_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name="kopi til kontaktperson")
    idempotency_key = models.CharField(max_length=100, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "brev"
        verbose_name_plural = "breve"
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["citizen", "status"]),
            models.Index(fields=["channel", "printed_at"]),
        ]

    def __str__(self) -> str:
        return self.subject


# --- Complaints -------------------------------------------------------------------------------

class ComplaintOutcome(models.TextChoices):
    UPHELD = "upheld", "Afgørelsen er stadfæstet"
    CHANGED = "changed", "Afgørelsen er ændret"
    REMITTED = "remitted", "Sagen er sendt tilbage til ny behandling"
    MISGUIDED = "misguided", "Borgeren fik ikke god nok vejledning og skal stilles, som om vejledningen var rigtig"


class ComplaintStage(models.TextChoices):
    LATE_REVIEW = "late_review", "Modtaget for sent: vi vurderer, om klagen skal behandles"
    RECONSIDERATION = "reconsideration", "Genvurdering hos myndigheden, der traf afgørelsen"
    CHANGED = "changed", "Afgørelsen er ændret: borgeren har fået ret"
    REJECTED = "rejected", "Afvist: klagen kom for sent"
    FORWARDED = "forwarded", "Sendt til Ankestyrelsen"
    DECIDED = "decided", "Afgjort af Ankestyrelsen"


# The stage and outcome as the citizen and a representative read them in self-service: the
# same facts without "borgeren", who is the reader (docs/sprog.md). The labels above are the
# caseworker's; a stage or outcome not named here reads the same to both.
_STAGE_IN_SELF_SERVICE = {ComplaintStage.CHANGED: "Afgørelsen er ændret: klagen har fået medhold"}
_OUTCOME_IN_SELF_SERVICE = {
    ComplaintOutcome.MISGUIDED: "Vejledningen var ikke god nok, og sagen skal behandles, som om den havde været rigtig",
}


def _in_a_sentence(label: str) -> str:
    """A label read after a colon: its first letter lower-case, names keep their capitals."""
    return label[:1].lower() + label[1:]


class Complaint(models.Model):
    """A complaint about a decision: received, forwarded to Ankestyrelsen, its outcome, and
    for ``MISGUIDED`` the retroactive correction (seed 004: a citizen who did not get enough
    help may be placed as if correct guidance had been given from the start)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="complaints", verbose_name="sag")
    received_on = models.DateField("modtaget")
    text = models.TextField("klagen")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     related_name="+", verbose_name="registreret af")
    representative = models.ForeignKey(Citizen, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name="klaget på borgerens vegne af")
    stage = models.CharField("hvor er klagen", max_length=16, choices=ComplaintStage.choices,
                             default=ComplaintStage.RECONSIDERATION)
    decision_delivered_on = models.DateField("afgørelsen er modtaget", null=True, blank=True)
    complaint_deadline = models.DateField("klagefrist", null=True, blank=True)
    late = models.BooleanField("for sent", default=False)
    late_decision_reason = models.TextField("begrundelse for at behandle eller afvise", blank=True)
    reconsideration_due = models.DateField("frist for genvurdering", null=True, blank=True)
    reconsideration_reasons = models.TextField("myndighedens begrundelse for at fastholde", blank=True)
    reconsidered_on = models.DateField("genvurderet", null=True, blank=True)
    forwarded_on = models.DateField("sendt til Ankestyrelsen", null=True, blank=True)
    outcome = models.CharField("Ankestyrelsens afgørelse", max_length=12, choices=ComplaintOutcome.choices,
                               blank=True)
    outcome_on = models.DateField("afgjort af Ankestyrelsen", null=True, blank=True)
    outcome_note = models.TextField("bemærkning", blank=True)
    should_have_received_from = models.DateField("skulle have fået ydelsen fra", null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = "klage"
        verbose_name_plural = "klager"

    def __str__(self) -> str:
        return f"Klage modtaget {kortdato(self.received_on)}"

    @property
    def awaits_correction(self) -> bool:
        return self.outcome == ComplaintOutcome.MISGUIDED and self.should_have_received_from is None

    @property
    def stage_in_self_service(self) -> str:
        return _in_a_sentence(_STAGE_IN_SELF_SERVICE.get(self.stage, self.get_stage_display()))

    @property
    def outcome_in_self_service(self) -> str:
        return _in_a_sentence(_OUTCOME_IN_SELF_SERVICE.get(self.outcome, self.get_outcome_display()))


# --- Payments --------------------------------------------------------------------------------

class PaymentMethod(models.TextChoices):
    NEMKONTO = "nemkonto", "NemKonto"
    CASH = "cash", "Kontant udbetaling"
    CHECK = "check", "Check"


class PaymentKind(models.TextChoices):
    REGULAR = "regular", "Løbende ydelse"
    BACK_PAYMENT = "back_payment", "Efterbetaling"
    EFTERREGULERING = "efterregulering", "Efterregulering"


class Payment(models.Model):
    """A payment to the citizen. Never held back for lack of a NemKonto: it is paid another
    way and a NemKonto task is made (``rules.payment_method``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments", verbose_name="sag")
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="payments", verbose_name="borger")
    kind = models.CharField("type", max_length=16, choices=PaymentKind.choices, default=PaymentKind.REGULAR)
    amount = models.DecimalField("beløb", max_digits=12, decimal_places=2)
    paid_on = models.DateField("udbetales")
    method = models.CharField("udbetales via", max_length=12, choices=PaymentMethod.choices)
    explanation = models.CharField("beregning", max_length=500, blank=True)
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="payments")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    idempotency_key = models.CharField(max_length=100, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-paid_on", "-created_at"]
        verbose_name = "udbetaling"
        verbose_name_plural = "udbetalinger"

    def __str__(self) -> str:
        return f"{kroner(self.amount)} {kortdato(self.paid_on)}"
