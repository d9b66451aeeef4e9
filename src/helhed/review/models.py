"""Case review (gennemgang) of long-term aktivitetsparat kontanthjælp recipients.

Seed 001 (the minister's letter, January 2017): municipalities are urged to review the cases
of aktivitetsparate kontanthjælpsmodtagere exempted from employment efforts for health
reasons, with the social medical officer, and give more of them "en beskæftigelsesrettet
indsats ... med de rette skånehensyn". Seed 002 ("Flere skal med", 2017): the pool's second
tranche is paid when the whole gross target group is afklaret og visiteret, the third when
enough of them have been in virksomhedsrettet indsats three months running.

A ``Programme`` fixes the gross target group of one municipality from one register result
(``register.TargetGroupResult``); every member gets a ``ReviewCase``. Efforts and benefit
periods are recorded per case; ``helhed.review.measures`` derives the milestones from them.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhed.core.appendonly import AppendOnlyModel
from helhed.core.formats import kortdato
from helhed.core.models import Municipality
from helhed.register.models import TargetGroupMember, TargetGroupResult
from helhed.register.vocabulary import YDELSER
from helhed.registry.models import Citizen
from helhed.review import clock


class Denominator(models.TextChoices):
    """Who counts in the denominator of the monthly effort share (a documented parameter:
    seed 002 says "mindst 40 pct. af modtagerne", and leaves "modtagerne" open)."""

    SYSTEM = "system", "Modtagere af en ydelse i kontanthjælpssystemet i måneden"
    AKTIVITETSPARAT = "aktivitetsparat", "Aktivitetsparate modtagere i kontanthjælpssystemet i måneden"


class Programme(models.Model):
    """A municipality's review programme: the gross target group of one register result,
    fixed when the programme is made (seed 002: "hele bruttomålgruppen")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="kommune")
    result = models.ForeignKey(TargetGroupResult, on_delete=models.PROTECT, related_name="+",
                               verbose_name="målgrupperesultat")
    name = models.CharField("navn", max_length=150)
    rule_name = models.CharField("regel", max_length=64, editable=False)
    as_of = models.DateField("målgruppens skæringsdato", editable=False)
    gross_target_group = models.PositiveIntegerField("bruttomålgruppe (antal)", editable=False)
    started_on = models.DateField("startdato")
    review_days = models.PositiveSmallIntegerField(
        "frist for gennemgang (dage)", default=90,
        help_text="En sag er overskredet, når den ikke er visiteret eller lukket så mange dage efter startdatoen.",
    )
    denominator = models.CharField("nævner i den månedlige andel", max_length=16, choices=Denominator.choices,
                                   default=Denominator.SYSTEM)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-started_on", "name"]
        verbose_name = "gennemgangsprogram"
        verbose_name_plural = "gennemgangsprogrammer"
        constraints = [models.UniqueConstraint(fields=["result", "municipality"], name="review_programme_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def due_on(self) -> datetime.date:
        return self.started_on + datetime.timedelta(days=self.review_days)


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Ikke påbegyndt"
    IN_REVIEW = "in_review", "Under gennemgang"
    AFKLARET = "afklaret", "Afklaret"
    VISITERET = "visiteret", "Visiteret"
    CLOSED = "closed", "Lukket (ude af målgruppen)"


# The review's state machine. Visiteret and closed are final: both count as resolved.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NOT_STARTED: frozenset({Status.IN_REVIEW, Status.CLOSED}),
    Status.IN_REVIEW: frozenset({Status.AFKLARET, Status.CLOSED}),
    Status.AFKLARET: frozenset({Status.VISITERET, Status.IN_REVIEW, Status.CLOSED}),
    Status.VISITERET: frozenset(),
    Status.CLOSED: frozenset(),
}
RESOLVED = frozenset({Status.VISITERET, Status.CLOSED})


class Exemption(models.TextChoices):
    """The citizen's current exemption from employment efforts (seed 001: "friholdt fra en
    beskæftigelsesrettet indsats" for health reasons)."""

    NONE = "none", "Ikke fritaget"
    HEALTH = "health", "Fritaget af helbredsmæssige grunde"
    SOCIAL = "social", "Fritaget af sociale grunde"
    OTHER = "other", "Fritaget af andre grunde"


class Track(models.TextChoices):
    """The visitation decision (seed 002: a business-oriented effort, or the
    rehabiliteringsteam for those with permanently reduced work capacity)."""

    VIRKSOMHEDSRETTET = "virksomhedsrettet", "Virksomhedsrettet indsats"
    OTHER_ACTIVE = "other_active", "Anden aktiv indsats"
    REHABILITATION = "rehabilitation", "Rehabiliteringsteamet"
    JOBPARAT = "jobparat", "Ny visitationskategori: jobparat"


class EffortKind(models.TextChoices):
    PRAKTIK = "praktik", "Virksomhedspraktik"
    LOENTILSKUD = "loentilskud", "Job med løntilskud"
    ORDINARY_HOURS = "ordinaere_timer", "Ordinære timer / småjob"
    MENTOR = "mentor", "Mentor"
    TREATMENT = "behandling", "Behandling"
    EDUCATION = "uddannelse", "Uddannelse"
    # Seed 002: for those not going to the rehabiliteringsteam "en virksomhedsrettet indsats og
    # personlige jobmidler" (means paid for one citizen's way into a job: tools, clothes, a course).
    PERSONLIGE_JOBMIDLER = "personlige_jobmidler", "Personlige jobmidler"


# Virksomhedsrettet indsats (DOMAIN.md glossary: "virksomhedspraktik = work placement,
# løntilskud = wage subsidy job, ordinary hours/småjob").
VIRKSOMHEDSRETTET: frozenset[str] = frozenset(
    {EffortKind.PRAKTIK, EffortKind.LOENTILSKUD, EffortKind.ORDINARY_HOURS}
)
OTHER_ACTIVE: frozenset[str] = frozenset({EffortKind.MENTOR, EffortKind.TREATMENT, EffortKind.EDUCATION})


class RehabOutcome(models.TextChoices):
    RESSOURCEFORLOEB = "ressourceforloeb", "Ressourceforløb"
    JOBAFKLARINGSFORLOEB = "jobafklaringsforloeb", "Jobafklaringsforløb"
    FLEKSJOB = "fleksjob", "Fleksjob"
    FOERTIDSPENSION = "foertidspension", "Førtidspension"


class CloseReason(models.TextChoices):
    MOVED = "moved", "Flyttet fra kommunen"
    DIED = "died", "Død"
    LEFT_BENEFIT = "left_benefit", "Ikke længere på ydelse i kontanthjælpssystemet"


CONTENT_FIELDS = (
    "exemption", "exemption_grounds", "health_information", "medical_assessment", "skaanehensyn",
    "citizen_view", "track", "effort_kind", "rehab_outcome", "visitation_note",
)


class ReviewCase(models.Model):
    """One member of the gross target group and the review of their case. Changed only
    through ``services``; ``version`` is the optimistic lock (a save that started from an
    older version is refused and loses nothing)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cases",
                                  verbose_name="program")
    member = models.OneToOneField(TargetGroupMember, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="medlem af målgruppen")
    number = models.PositiveIntegerField("sagsnummer", help_text="Løbenummer i programmet.")
    cpr_index = models.CharField(max_length=64, editable=False, db_index=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="review_cases", verbose_name="borger")
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="review_cases", verbose_name="sagsbehandler")
    status = models.CharField("status", max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    version = models.PositiveIntegerField("version", default=1)

    exemption = models.CharField("nuværende fritagelse", max_length=8, choices=Exemption.choices, blank=True)
    exemption_grounds = models.TextField("grundlag for fritagelsen", blank=True)
    health_information = models.TextField("helbredsoplysninger", blank=True)
    medical_assessment = models.TextField("socialoverlægens vurdering", blank=True)
    skaanehensyn = models.TextField("skånehensyn", blank=True)
    citizen_view = models.TextField("borgerens egen vurdering", blank=True)
    track = models.CharField("visitation", max_length=20, choices=Track.choices, blank=True)
    effort_kind = models.CharField("indsats", max_length=20, choices=EffortKind.choices, blank=True)
    rehab_outcome = models.CharField("rehabiliteringsteamets indstilling", max_length=24,
                                     choices=RehabOutcome.choices, blank=True)
    visitation_note = models.TextField("begrundelse for visitationen", blank=True)

    started_on = models.DateField("gennemgang påbegyndt", null=True, blank=True)
    afklaret_on = models.DateField("afklaret", null=True, blank=True)
    visiteret_on = models.DateField("visiteret", null=True, blank=True)
    closed_on = models.DateField("lukket", null=True, blank=True)
    close_reason = models.CharField("årsag til lukning", max_length=16, choices=CloseReason.choices, blank=True)
    close_note = models.CharField("bemærkning til lukning", max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by_name = models.CharField(max_length=150, blank=True, editable=False)

    class Meta:
        ordering = ["programme", "number"]
        verbose_name = "gennemgangssag"
        verbose_name_plural = "gennemgangssager"
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="review_case_number_once")]
        indexes = [models.Index(fields=["programme", "status"]), models.Index(fields=["programme", "caseworker"])]

    def __str__(self) -> str:
        return f"Sag {self.number}"

    @property
    def is_resolved(self) -> bool:
        return self.status in RESOLVED


class Approval(models.TextChoices):
    """Whether a fact needs a second person's approval before it counts (docs/review.md,
    "Facts carry two dates")."""

    NOT_NEEDED = "not_needed", "Tæller uden godkendelse"
    PENDING = "pending", "Afventer godkendelse"
    APPROVED = "approved", "Godkendt"
    REJECTED = "rejected", "Afvist"


class TwoDatedFact(models.Model):
    """A fact the milestones count carries two dates: when it was entered (the server's
    clock, set on insert, never editable; each model's own timestamp field) and the date it
    takes effect. One dated too far back, and every typed correction, waits for a second
    person's approval with a reason (``measures.needs_second_approval``).

    ``approval`` is what the fact needed when it was entered (no approval, or a colleague's)
    and never changes; the colleague's approval or rejection is a ``FactDecision`` of its
    own, appended beside the fact, so the fact's row stays as it was entered. ``state`` is
    where the fact stands now."""

    approval = models.CharField("godkendelse ved registreringen", max_length=12, choices=Approval.choices,
                                default=Approval.NOT_NEEDED, editable=False)
    entered_reason = models.CharField("begrundelse fra den, der registrerede", max_length=500, blank=True,
                                      editable=False)

    class Meta:
        abstract = True

    @property
    def decision_made(self) -> FactDecision | None:
        try:
            return self.decision
        except FactDecision.DoesNotExist:
            return None

    @property
    def state(self) -> str:
        """Not needed, pending, approved or rejected: the decision's verdict, if any."""
        decision = self.decision_made
        if decision is None:
            return self.approval
        return Approval.APPROVED if decision.approved else Approval.REJECTED

    def get_state_display(self) -> str:
        return Approval(self.state).label

    @property
    def is_pending(self) -> bool:
        return self.state == Approval.PENDING


class CaseEvent(TwoDatedFact, AppendOnlyModel):
    """The case's history: every status change and save, with who and when (the evidence
    behind ``measures.all_afklaret_og_visiteret``). Append-only, as the casework's history
    is (``core.appendonly``; on PostgreSQL a trigger too): ``at`` is the server's clock when
    it was entered, ``on`` the date it takes effect, and a colleague's approval is a
    ``FactDecision`` beside it."""

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("registreret", default=clock.now, editable=False)
    on = models.DateField("gælder fra")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_name = models.CharField(max_length=150)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "hændelse i gennemgang"
        verbose_name_plural = "hændelser i gennemgang"

    def __str__(self) -> str:
        return f"{kortdato(self.on)}: {self.text}"


class Source(models.TextChoices):
    FORM = "form", "Registreret af sagsbehandler"
    IMPORT = "import", "Indlæst fra fil"


class Effort(TwoDatedFact):
    """An effort (indsats) the citizen takes part in: type, period, hours and employer. It
    takes effect on its start date; ``created_at`` is when it was entered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="efforts")
    kind = models.CharField("type", max_length=20, choices=EffortKind.choices)
    starts_on = models.DateField("startdato")
    ends_on = models.DateField("slutdato", null=True, blank=True)
    hours_per_week = models.DecimalField("timer pr. uge", max_digits=4, decimal_places=1, null=True, blank=True)
    employer = models.CharField("arbejdsgiver/sted", max_length=150, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)
    import_batch = models.ForeignKey("EffortImport", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="efforts")
    idempotency_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("registreret", default=clock.now, editable=False)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "indsats"
        verbose_name_plural = "indsatser"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="review_effort_period_ordered",
                violation_error_message="Slutdatoen ligger før startdatoen.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} fra {kortdato(self.starts_on)}"

    @property
    def is_virksomhedsrettet(self) -> bool:
        return self.kind in VIRKSOMHEDSRETTET


class BenefitPeriod(TwoDatedFact):
    """A typed correction of the register: a period in which the citizen received a benefit
    (the register engine's vocabulary, ``register.vocabulary.YDELSER``) that the imported
    extract lacks. Benefit periods come from register extracts (``RegisterImport``); a typed
    one is a documented correction with a reason and counts only once a second person has
    approved it."""

    approval = models.CharField("godkendelse", max_length=12, choices=Approval.choices, default=Approval.PENDING,
                                editable=False)
    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="benefit_periods")
    ydelse = models.CharField("ydelse", max_length=40, choices=sorted(YDELSER.items(), key=lambda kv: kv[1]))
    starts_on = models.DateField("første dag")
    ends_on = models.DateField("sidste dag", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("registreret", default=clock.now, editable=False)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "ydelsesperiode"
        verbose_name_plural = "ydelsesperioder"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="review_benefit_period_ordered",
                violation_error_message="Sidste dag ligger før første dag.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_ydelse_display()} fra {kortdato(self.starts_on)}"


class FactDecision(AppendOnlyModel):
    """A colleague's approval or rejection of a waiting fact (a backdated status change or
    effort, a typed benefit period), with who, when and why. Appended once per fact (the
    one-to-one keys refuse a second) and never changed, so the evidence a tranche was paid
    on can be replayed: a fact counts from the day its approval was entered. Source:
    issue 17 ("a second person ... never the one who entered it"), issue 22 (the review's
    events append-only like the casework's)."""

    event = models.OneToOneField(CaseEvent, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="decision")
    effort = models.OneToOneField(Effort, on_delete=models.PROTECT, null=True, blank=True, related_name="decision")
    period = models.OneToOneField(BenefitPeriod, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="decision")
    approved = models.BooleanField("godkendt")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by_name = models.CharField(max_length=150)
    decided_at = models.DateTimeField("godkendt/afvist", default=clock.now)
    reason = models.CharField("begrundelse for godkendelse/afvisning", max_length=500)

    class Meta:
        verbose_name = "godkendelse eller afvisning"
        verbose_name_plural = "godkendelser og afvisninger"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(event__isnull=False, effort__isnull=True, period__isnull=True)
                           | models.Q(event__isnull=True, effort__isnull=False, period__isnull=True)
                           | models.Q(event__isnull=True, effort__isnull=True, period__isnull=False)),
                name="review_factdecision_one_fact",
                violation_error_message="En godkendelse gælder netop én oplysning.",
            ),
        ]

    def __str__(self) -> str:
        return f"{'Godkendt' if self.approved else 'Afvist'} af {self.decided_by_name}"


class EffortImport(models.Model):
    """One CSV file of efforts read into a programme. The SHA-256 makes the same file
    read twice one import."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="imports")
    original_name = models.CharField("filnavn", max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField("rækker")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "indlæsning af indsatser"
        verbose_name_plural = "indlæsninger af indsatser"
        constraints = [models.UniqueConstraint(fields=["programme", "sha256"], name="review_import_once")]

    def __str__(self) -> str:
        return self.original_name


class Measurement(models.Model):
    """A stored milestone measure with its evidence (ARCHITECTURE.md: a decision "stores the
    rule version and the evidence it used"): which cases counted, and why."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="measurements")
    measure = models.CharField(max_length=64)
    rule_version = models.CharField(max_length=16)
    parameters = models.JSONField()
    period = models.CharField("dato eller måned", max_length=10)
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()
    met = models.BooleanField(null=True)
    evidence = models.JSONField()
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-computed_at"]
        verbose_name = "måling"
        verbose_name_plural = "målinger"

    def __str__(self) -> str:
        return f"{self.measure} {self.period}"


class RegisterImport(models.Model):
    """A register extract of benefit periods read into a programme: the periods of the gross
    target group's members are kept (``RegisterPeriod``) with the file's SHA-256 and the date
    the extract describes, so that a later reader can replay every measure made from it. The
    milestones use the newest extract entered by their cut-off (``measures.known_by``)."""

    class Kind(models.TextChoices):
        PERIODS = "periods", "Ydelsesperioder (cpr,kommunekode,ydelse,start,slut)"
        DREAM = "dream", "DREAM (bred fil, én kolonne pr. uge)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="register_imports")
    kind = models.CharField("format", max_length=8, choices=Kind.choices, default=Kind.PERIODS)
    original_name = models.CharField("filnavn", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    extract_on = models.DateField("udtrækkets dato",
                                  help_text="Den dag, udtrækket viser ydelserne til og med.")
    rows_read = models.BigIntegerField("perioder i filen")
    members_found = models.PositiveIntegerField("borgere fra målgruppen i udtrækket")
    periods_kept = models.PositiveIntegerField("perioder gemt for målgruppen")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_by_name = models.CharField(max_length=150)
    imported_at = models.DateTimeField("indlæst", default=clock.now, editable=False)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "indlæst registerudtræk"
        verbose_name_plural = "indlæste registerudtræk"
        constraints = [models.UniqueConstraint(fields=["programme", "sha256"], name="review_register_import_once")]

    def __str__(self) -> str:
        return f"{self.original_name} pr. {kortdato(self.extract_on)}"


class RegisterPeriod(models.Model):
    """One benefit period of a member of the gross target group, as an imported extract shows
    it (the register's own municipality code; an end on or after the extract's date means the
    period was still running)."""

    register_import = models.ForeignKey(RegisterImport, on_delete=models.CASCADE, related_name="periods")
    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="register_periods")
    kommunekode = models.PositiveSmallIntegerField("kommunekode")
    ydelse = models.CharField("ydelse", max_length=40)
    starts_on = models.DateField("første dag")
    ends_on = models.DateField("sidste dag", null=True, blank=True)

    class Meta:
        ordering = ["case", "starts_on"]
        verbose_name = "registerperiode"
        verbose_name_plural = "registerperioder"
        indexes = [models.Index(fields=["register_import", "case"])]

    def __str__(self) -> str:
        return f"{self.ydelse} fra {kortdato(self.starts_on)}"
