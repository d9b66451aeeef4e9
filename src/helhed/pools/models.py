"""Grant pools (satspuljer): the pool and its tranche schedule, the municipalities'
applications with their staffing plans, the allocation, payouts and forfeited tranches,
and the monthly progress reports.

Seed 002 (press release 9 April 2017) describes the first pool, "Flere skal med"; the model is
general enough for the follow-up pools, which had other totals, target rules and milestones.
Money is Decimal kroner. A payout or a forfeiture is one row per tranche and municipality
(a database constraint), so a tranche is decided exactly once.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhed.core.formats import kortdato, kroner, maaned
from helhed.core.models import Municipality
from helhed.register.models import TargetGroupResult


class AllocationBasis(models.TextChoices):
    ALL_MUNICIPALITIES = "all", "Alle kommuner efter målgruppen; ikke-ansøgeres andel bliver uforbrugt"
    APPLICANTS = "applicants", "Kun de godkendte ansøgere efter deres målgruppe"


class OpenTo(models.TextChoices):
    """Who may apply. A follow-up pool is by default open only to the municipalities that did
    not get their full share of the parent pool (issue 17: a fully funded municipality took
    most of the leftover money)."""

    ALL = "all", "Alle kommuner"
    SHORT = "short", "Kommuner, der ikke fik hele deres andel af den oprindelige pulje"
    LIST = "list", "Udvalgte kommuner"


class AllocationKey(models.TextChoices):
    COUNT = "count", "Efter antal i målgruppen"
    EQUAL = "equal", "Lige store andele"
    SET = "set", "Beløb fastsat af den puljeansvarlige"


class Pool(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField("navn", max_length=150)
    legal_basis = models.CharField("bevillingsgrundlag", max_length=200,
                                   help_text="Fx finanslovskonto 17.46.08.10.")
    total = models.DecimalField("puljens beløb (kr.)", max_digits=14, decimal_places=2)
    unit = models.PositiveIntegerField("fordelingsenhed (kr.)", default=1,
                                       help_text="Tilskud fordeles i hele multipla af denne enhed.")
    period_start = models.DateField("periodens start")
    period_end = models.DateField("periodens slut")
    opens_on = models.DateField("ansøgning åbner")
    deadline = models.DateField("ansøgningsfrist", help_text="Ansøgninger modtages til og med denne dag (dansk tid).")
    target_result = models.ForeignKey(TargetGroupResult, on_delete=models.PROTECT, related_name="+",
                                      verbose_name="målgruppe (registerresultat)")
    allocation_basis = models.CharField("fordeling", max_length=16, choices=AllocationBasis.choices,
                                        default=AllocationBasis.ALL_MUNICIPALITIES)
    open_to = models.CharField("åben for", max_length=8, choices=OpenTo.choices, default=OpenTo.ALL)
    eligible_codes = models.JSONField("udvalgte kommuner (kommunekoder)", default=list, blank=True)
    allocation_key = models.CharField("fordelingsnøgle", max_length=8, choices=AllocationKey.choices,
                                      default=AllocationKey.COUNT)
    notice_days = models.PositiveSmallIntegerField(
        "varsel (dage før seneste dato)", default=30,
        help_text="Så mange dage før en rates seneste dato får en kommune, der ikke har nået milepælen, et varsel.")
    hearing_business_days = models.PositiveSmallIntegerField(
        "svarfrist ved partshøring (arbejdsdage)", default=10,
        help_text="Kommunens frist for at svare, før en rate kan bortfalde (forvaltningsloven § 19).")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups",
                               verbose_name="genudmøntning af")
    tranches_in_order = models.BooleanField(
        "rater i rækkefølge", default=True,
        help_text="En senere rate udbetales først, når de tidligere raters milepæle er nået "
                  "(vores læsning af seed 002's \"først ... dernæst\").")
    allocated_at = models.DateTimeField("fordelt", null=True, blank=True)
    allocation_rule_version = models.CharField(max_length=16, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-period_start", "name"]
        verbose_name = "pulje"
        verbose_name_plural = "puljer"

    def __str__(self) -> str:
        return self.name

    @property
    def rule_name(self) -> str:
        return self.target_result.rule_name

    @property
    def reference_date(self):
        return self.target_result.as_of


class MilestoneKind(models.TextChoices):
    AT_START = "at_start", "Ved start"
    ALL_RESOLVED = "all_resolved", "Hele bruttomålgruppen afklaret og visiteret"
    EFFORT_SHARE = "effort_share", "Andel i virksomhedsrettet indsats i sammenhængende måneder"


class Tranche(models.Model):
    """One rate of a pool: a percentage paid when a milestone is met by a latest date."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField("rate nr.")
    percent = models.DecimalField("procent af tilskuddet", max_digits=5, decimal_places=2)
    kind = models.CharField("milepæl", max_length=16, choices=MilestoneKind.choices)
    threshold = models.DecimalField("mindst andel (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    months = models.PositiveSmallIntegerField("sammenhængende måneder", null=True, blank=True)
    latest_on = models.DateField("seneste dato")
    # When the pool is allocated after this tranche's latest date, the officer chose to move
    # the date or to let the tranche be forfeited, with a reason (never silently).
    late_choice = models.CharField("valg ved sen fordeling", max_length=8, blank=True,
                                   choices=[("move", "Fristen flyttet"), ("forfeit", "Raten bortfalder")])
    original_latest_on = models.DateField("oprindelig seneste dato", null=True, blank=True)
    late_reason = models.TextField("begrundelse for valget", blank=True)

    class Meta:
        ordering = ["pool", "number"]
        verbose_name = "rate"
        verbose_name_plural = "rater"
        constraints = [models.UniqueConstraint(fields=["pool", "number"], name="pool_tranche_number_once")]

    def __str__(self) -> str:
        return f"Rate {self.number}: {self.percent} %"

    @property
    def description(self) -> str:
        if self.kind == MilestoneKind.EFFORT_SHARE:
            return (f"Mindst {self.threshold.normalize():f} % i virksomhedsrettet indsats "
                    f"i {self.months} sammenhængende måneder")
        return self.get_kind_display()


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Indsendt"
    APPROVED = "approved", "Godkendt"
    REJECTED = "rejected", "Afvist"


class Application(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="applications")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="kommune")
    status = models.CharField(max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    contact = models.CharField("kontaktperson", max_length=150)
    description = models.TextField("kort beskrivelse af indsatsen", blank=True)
    submitted_at = models.DateTimeField("indsendt")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     related_name="+")
    idempotency_key = models.UUIDField(unique=True, editable=False)
    decided_at = models.DateTimeField("afgjort", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    reason = models.TextField("begrundelse", blank=True)

    class Meta:
        ordering = ["pool", "municipality__name"]
        verbose_name = "ansøgning"
        verbose_name_plural = "ansøgninger"
        constraints = [models.UniqueConstraint(fields=["pool", "municipality"], name="pool_application_once")]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.pool}"

    @property
    def total_fte(self) -> Decimal:
        return sum((line.fte for line in self.staffing.all()), Decimal(0))

    @property
    def total_cost(self) -> Decimal:
        return sum((line.cost for line in self.staffing.all()), Decimal(0))


class StaffRole(models.TextChoices):
    """Seed 002: the money is mainly for front-line staff."""

    CASEWORKER = "caseworker", "Sagsbehandlere"
    JOB_BROKER = "job_broker", "Jobformidlere"
    MENTOR = "mentor", "Mentorer"
    BUSINESS_CONSULTANT = "business_consultant", "Virksomhedskonsulenter"
    SOCIAL_HEALTH = "social_health", "Social- og sundhedsfagligt personale"
    # Seed 002: "personlige jobmidler" — a budget line of its own, money for the citizens, no FTEs.
    PERSONLIGE_JOBMIDLER = "personlige_jobmidler", "Personlige jobmidler"


# Budget lines without staff: the form asks for the amount only.
BUDGET_ONLY_ROLES = frozenset({StaffRole.PERSONLIGE_JOBMIDLER})


class StaffingLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="staffing")
    role = models.CharField("funktion", max_length=24, choices=StaffRole.choices)
    fte = models.DecimalField("årsværk", max_digits=7, decimal_places=2)
    cost = models.DecimalField("udgift (kr.)", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["application", "role"]
        verbose_name = "bemanding"
        verbose_name_plural = "bemanding"
        constraints = [models.UniqueConstraint(fields=["application", "role"], name="pool_staffing_role_once")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.fte} årsværk"


class Allocation(models.Model):
    """A municipality's share of a pool: its target-group count and its grant."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="allocations")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField("målgruppe (antal)")
    amount = models.DecimalField("tilskud (kr.)", max_digits=14, decimal_places=2)
    applied = models.BooleanField("godkendt ansøger")

    class Meta:
        ordering = ["pool", "municipality_id"]
        verbose_name = "fordeling"
        verbose_name_plural = "fordelinger"
        constraints = [models.UniqueConstraint(fields=["pool", "municipality"], name="pool_allocation_once")]

    def __str__(self) -> str:
        return f"{self.municipality_id}: {kroner(self.amount)}"


class Payout(models.Model):
    """A tranche paid to a municipality because its milestone was met in time, with the
    evidence (the counts behind it) and the rule version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="payouts")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("beløb (kr.)", max_digits=14, decimal_places=2)
    met_on = models.DateField("milepæl nået")
    evidence = models.JSONField("dokumentation")
    rule_version = models.CharField("regelversion", max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    batch = models.ForeignKey("DecisionBatch", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="payouts", verbose_name="godkendt i forslag")

    class Meta:
        ordering = ["tranche", "municipality_id"]
        verbose_name = "udbetaling"
        verbose_name_plural = "udbetalinger"
        constraints = [models.UniqueConstraint(fields=["tranche", "municipality"], name="pool_payout_once"),
                       models.CheckConstraint(condition=models.Q(amount__gt=0), name="pool_payout_positive")]

    def __str__(self) -> str:
        return f"{self.tranche} til {self.municipality_id}: {kroner(self.amount)}"


class Forfeiture(models.Model):
    """A tranche lost because its milestone was not met by its latest date; the money
    becomes unclaimed and can be given out again in a follow-up pool."""

    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="forfeitures")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("beløb (kr.)", max_digits=14, decimal_places=2)
    met_on = models.DateField("milepæl nået for sent", null=True, blank=True)
    evidence = models.JSONField("dokumentation")
    rule_version = models.CharField("regelversion", max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    batch = models.ForeignKey("DecisionBatch", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="forfeitures", verbose_name="godkendt i forslag")

    class Meta:
        ordering = ["tranche", "municipality_id"]
        verbose_name = "bortfaldet rate"
        verbose_name_plural = "bortfaldne rater"
        constraints = [models.UniqueConstraint(fields=["tranche", "municipality"], name="pool_forfeiture_once"),
                       models.CheckConstraint(condition=models.Q(amount__gt=0), name="pool_forfeiture_positive")]

    def __str__(self) -> str:
        return f"{self.tranche} bortfaldet for {self.municipality_id}"


class MonthlyReport(models.Model):
    """The progress report a municipality receives every month, with its PDF."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="reports")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    month = models.DateField("måned", help_text="Første dag i måneden.")
    figures = models.JSONField("tal")
    pdf = models.BinaryField("PDF")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "municipality_id"]
        verbose_name = "månedsrapport"
        verbose_name_plural = "månedsrapporter"
        constraints = [models.UniqueConstraint(fields=["pool", "municipality", "month"], name="pool_report_once")]

    def __str__(self) -> str:
        return f"{self.pool} – {self.municipality_id} – {maaned(self.month)}"


class EvaluationExtract(models.Model):
    """A register extract a pool officer has named as evidence for the evaluation's outcomes,
    with the date its data is complete to (``data_as_of``). An outcome point (6, 12 or 24
    months after the reference date) is measured only on an extract dated on or after it
    (``helhed.pools.outcomes.extract_for_point``). The date cannot be in the future or after
    the day the file was uploaded: a file cannot hold data from after it was made."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="evaluation_extracts")
    extract = models.ForeignKey("register.RegisterExtract", on_delete=models.PROTECT, related_name="+",
                                verbose_name="registerudtræk")
    data_as_of = models.DateField("data opgjort pr.")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    registered_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pool", "data_as_of"]
        verbose_name = "udtræk til evaluering"
        verbose_name_plural = "udtræk til evaluering"
        constraints = [models.UniqueConstraint(fields=["pool", "extract"], name="pool_evaluation_extract_once")]

    def __str__(self) -> str:
        return f"{self.extract} pr. {kortdato(self.data_as_of)}"


class OutcomeMeasurement(models.Model):
    """One measurement of an outcome point: which extract it used (id, data date, SHA-256)
    and the count of members in each category, so an auditor can replay it. Written every
    time the evaluation is exported; never changed."""

    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="outcome_measurements")
    months = models.PositiveSmallIntegerField("måneder efter skæringsdatoen")
    point_on = models.DateField("målt pr.")
    extract = models.ForeignKey("register.RegisterExtract", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    extract_data_as_of = models.DateField("udtrækkets dato", null=True, blank=True)
    extract_sha256 = models.CharField("udtrækkets SHA-256", max_length=64, blank=True)
    counts = models.JSONField("antal pr. kategori")
    rule_version = models.CharField("regelversion", max_length=32)
    measured_at = models.DateTimeField(default=timezone.now)
    measured_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["pool", "-measured_at", "months"]
        verbose_name = "udfaldsmåling"
        verbose_name_plural = "udfaldsmålinger"

    def __str__(self) -> str:
        return f"{self.pool} – {self.months} mdr. pr. {kortdato(self.point_on)}"


class Ambassador(models.Model):
    """A member of the ambassador corps: a municipal employee with good results in small jobs
    for vulnerable citizens, listed nationally with municipality and contact so others can
    learn from them.

    Seed 002: "Der etableres et ambassadørkorps bestående af kommunale medarbejdere med gode
    resultater, som skal udbrede erfaringerne" (small jobs for vulnerable citizens). A
    withdrawn ambassador stays on record with who withdrew them, when and why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="kommune")
    name = models.CharField("navn", max_length=150)
    title = models.CharField("stilling", max_length=150)
    email = models.EmailField("e-mail")
    phone = models.CharField("telefon", max_length=30, blank=True)
    results = models.TextField("gode resultater", help_text="Fx småjob til udsatte borgere: hvad virkede?")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    added_at = models.DateTimeField("optaget", default=timezone.now)
    withdrawn_at = models.DateTimeField("udtrådt", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    withdrawal_reason = models.TextField("begrundelse for udtræden", blank=True)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = "ambassadør"
        verbose_name_plural = "ambassadørkorpset"

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality_id})"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
class BatchStatus(models.TextChoices):
    """The life of an evaluation's proposal. One made by the scheduler is ``proposed`` and
    needs an officer to recommend it; one made by an officer is ``recommended`` at once. A
    second officer, never the one who recommended it, approves or rejects it."""

    PROPOSED = "proposed", "Foreslået af systemet, afventer indstilling"
    RECOMMENDED = "recommended", "Indstillet, afventer godkendelse"
    APPROVED = "approved", "Godkendt"
    REJECTED = "rejected", "Afvist"


class DecisionBatch(models.Model):
    """An evaluation's proposal: the payouts and forfeitures it found, as of a day, with
    their evidence. Nothing is paid or forfeited until a second officer approves it
    (DOMAIN.md, grant administration: a payout order is approved by a second person)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="batches")
    as_of = models.DateField("vurderet pr.")
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.PROPOSED)
    proposed_at = models.DateTimeField("foreslået")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="foreslået af")
    recommended_at = models.DateTimeField("indstillet", null=True, blank=True)
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name="indstillet af")
    decided_at = models.DateTimeField("afgjort", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="afgjort af")
    reason = models.TextField("begrundelse", blank=True)
    rule_version = models.CharField("regelversion", max_length=32)

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = "forslag til udbetalinger"
        verbose_name_plural = "forslag til udbetalinger"
        constraints = [models.CheckConstraint(
            condition=~models.Q(status="approved") | (models.Q(decided_by__isnull=False)
                                                      & models.Q(recommended_by__isnull=False)
                                                      & ~models.Q(decided_by=models.F("recommended_by"))),
            name="pool_batch_two_officers")]

    def __str__(self) -> str:
        return f"Forslag pr. {kortdato(self.as_of)} ({self.get_status_display()})"


class LineOutcome(models.TextChoices):
    PAY = "pay", "Udbetal"
    FORFEIT = "forfeit", "Bortfald"


class BatchLine(models.Model):
    """One proposed payout or forfeiture: a tranche for a municipality, its amount, the day
    the milestone was met, the evidence and the rule version. While its batch is pending or
    approved the line is ``open``, and a tranche has at most one open line per municipality."""

    batch = models.ForeignKey(DecisionBatch, on_delete=models.CASCADE, related_name="lines")
    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=8, choices=LineOutcome.choices)
    amount = models.DecimalField("beløb (kr.)", max_digits=14, decimal_places=2)
    met_on = models.DateField("milepæl nået", null=True, blank=True)
    evidence = models.JSONField("dokumentation")
    rule_version = models.CharField("regelversion", max_length=32)
    open = models.BooleanField(default=True)

    class Meta:
        ordering = ["batch", "municipality_id", "tranche__number"]
        verbose_name = "forslagslinje"
        verbose_name_plural = "forslagslinjer"
        constraints = [
            models.UniqueConstraint(fields=["tranche", "municipality"], condition=models.Q(open=True),
                                    name="pool_batchline_open_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="pool_batchline_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} rate {self.tranche.number} til {self.municipality_id}"


class NoticeKind(models.TextChoices):
    NOTICE = "notice", "Varsel"
    HEARING = "hearing", "Partshøring"


class TrancheNotice(models.Model):
    """A letter to a municipality about a tranche: a notice when its latest date approaches
    with the milestone unmet, or a hearing (partshøring, forvaltningsloven § 19) with an answer
    deadline before the tranche can be proposed forfeited. Once per kind, tranche and
    municipality."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tranche = models.ForeignKey(Tranche, on_delete=models.PROTECT, related_name="notices")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=NoticeKind.choices)
    sent_on = models.DateField("sendt")
    answer_by = models.DateField("svarfrist", null=True, blank=True)
    facts = models.JSONField("oplysninger")
    answer = models.TextField("kommunens svar", blank=True)
    answered_at = models.DateTimeField("svaret", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["sent_on", "tranche__number"]
        verbose_name = "varsel eller partshøring"
        verbose_name_plural = "varsler og partshøringer"
        constraints = [models.UniqueConstraint(fields=["tranche", "municipality", "kind"], name="pool_notice_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: rate {self.tranche.number} til {self.municipality_id}"
