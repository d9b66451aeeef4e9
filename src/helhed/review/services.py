"""Writes of the case review. One function per use case, one transaction each, keyword
arguments; whatever the rules refuse is refused with a Danish ``ValidationError``."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from helhed.core.cpr import cpr_blind_index
from helhed.core.formats import kortdato
from helhed.core.idempotent import insert_once, made_before
from helhed.core.models import User
from helhed.core.roles import Role
from helhed.register import imports as register_import
from helhed.register.models import TargetGroupResult
from helhed.register.vocabulary import SYSTEM, YDELSER
from helhed.registry.models import Citizen
from helhed.review import clock, imports, measures
from helhed.review.measures import Measure
from helhed.review.models import (
    ALLOWED_TRANSITIONS,
    CONTENT_FIELDS,
    OTHER_ACTIVE,
    RESOLVED,
    VIRKSOMHEDSRETTET,
    Approval,
    BenefitPeriod,
    CaseEvent,
    CloseReason,
    Denominator,
    Effort,
    EffortImport,
    EffortKind,
    Exemption,
    FactDecision,
    Measurement,
    Programme,
    RegisterImport,
    RegisterPeriod,
    RehabOutcome,
    ReviewCase,
    Source,
    Status,
    Track,
)

MAX_HOURS_PER_WEEK = Decimal("37")


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else "systemet"


def _event(case: ReviewCase, *, actor: User | None, on: datetime.date, text: str,
           from_status: str = "", to_status: str = "", approval: str = Approval.NOT_NEEDED,
           entered_reason: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=actor, actor_name=_name(actor), on=on, text=text[:500],
                                    from_status=from_status, to_status=to_status, approval=approval,
                                    entered_reason=entered_reason[:500])


def _today() -> datetime.date:
    """The server's day in Denmark: the entry day of a fact (never a parameter)."""
    return clock.today()


def _dated(programme: Programme, effective: datetime.date, *, reason: str, field: str) -> str:
    """Check a fact's effective date against the day it is entered now; return its approval
    state (``measures.effective_date_problem``, ``measures.needs_second_approval``)."""
    entered_on = _today()
    problem = measures.effective_date_problem(effective, entered_on=entered_on,
                                              programme_start=programme.started_on)
    if problem:
        raise ValidationError({field: problem}, code="effective_date")
    if measures.needs_second_approval(effective, entered_on=entered_on):
        if not reason.strip():
            raise ValidationError({"reason": (
                f"Datoen ligger mere end {measures.BACKDATE_DAYS} dage tilbage. Skriv en begrundelse; "
                "oplysningen tæller først, når en kollega har godkendt den.")}, code="backdated")
        return Approval.PENDING
    return Approval.NOT_NEEDED


# --- Programmes -------------------------------------------------------------------------

@transaction.atomic
def create_programme(*, actor: User, result: TargetGroupResult, municipality_id: int, name: str,
                     started_on: datetime.date, review_days: int = 90,
                     denominator: str = Denominator.SYSTEM) -> Programme:
    """Turn a register result into the municipality's review programme. The gross target
    group is fixed now: every member of the result in the municipality gets a review case,
    numbered in the result's order, and is linked to the registry citizen with the same CPR
    blind index. A member without a registry citizen still gets a case (identified by its
    number); ``link_citizens`` links it once the citizen is registered."""
    if not rules.has_perm("review.create_programme", actor):
        raise PermissionDenied
    if municipality_id not in set(actor.municipalities.values_list("code", flat=True)):
        raise PermissionDenied
    if denominator not in Denominator.values:
        raise ValidationError({"denominator": "Vælg en definition af nævneren."})
    if not name.strip():
        raise ValidationError({"name": "Giv programmet et navn."})
    if Programme.objects.filter(result=result, municipality_id=municipality_id).exists():
        raise ValidationError("Der er allerede et gennemgangsprogram for dette målgrupperesultat i kommunen.",
                              code="duplicate")
    members = list(result.members.filter(municipality_id=municipality_id).order_by("id"))
    if not members:
        raise ValidationError({"result": "Resultatet har ingen borgere i kommunen."})
    programme = Programme.objects.create(
        municipality_id=municipality_id, result=result, name=name.strip()[:150], rule_name=result.rule_name,
        as_of=result.as_of, gross_target_group=len(members), started_on=started_on, review_days=review_days,
        denominator=denominator, created_by=actor,
    )
    ReviewCase.objects.bulk_create([
        ReviewCase(programme=programme, member=m, number=n, cpr_index=m.cpr_index)
        for n, m in enumerate(members, start=1)
    ])
    link_citizens(programme=programme)
    return programme


def link_citizens(*, programme: Programme) -> int:
    """Link every case without a citizen to the registry citizen with the same CPR blind
    index. Returns how many were linked."""
    linked = 0
    unlinked = dict(programme.cases.filter(citizen__isnull=True).values_list("cpr_index", "pk"))
    indexes = list(unlinked)
    for start in range(0, len(indexes), 5000):  # SQLite's limit on query parameters
        for index, citizen_id in Citizen.objects.filter(cpr_index__in=indexes[start:start + 5000]).values_list(
                "cpr_index", "pk"):
            linked += ReviewCase.objects.filter(pk=unlinked[index], citizen__isnull=True).update(citizen_id=citizen_id)
    return linked


def _assignable(programme: Programme, caseworker: User) -> bool:
    return (caseworker.is_active and caseworker.role in (Role.CASEWORKER, Role.JOBCENTRE_MANAGER)
            and caseworker.municipalities.filter(code=programme.municipality_id).exists())


@transaction.atomic
def assign_case(*, case: ReviewCase, caseworker: User, actor: User, on: datetime.date) -> ReviewCase:
    """Give one case to a caseworker of the programme's municipality."""
    if not rules.has_perm("review.assign_cases", actor, case.programme):
        raise PermissionDenied
    if not _assignable(case.programme, caseworker):
        raise ValidationError({"caseworker": "Sagsbehandleren arbejder ikke i programmets kommune."})
    ReviewCase.objects.filter(pk=case.pk).update(caseworker=caseworker)
    case.caseworker = caseworker
    _event(case, actor=actor, on=on, text=f"Sagen er fordelt til {_name(caseworker)}.")
    return case


@transaction.atomic
def assign_in_bulk(*, programme: Programme, caseworkers: list[User], actor: User) -> int:
    """Give every open case without a caseworker to one of ``caseworkers``, balancing the
    load: each case, in number order, goes to whoever has the fewest open cases (ties by
    username). Returns how many cases were assigned."""
    if not rules.has_perm("review.assign_cases", actor, programme):
        raise PermissionDenied
    if not caseworkers:
        raise ValidationError({"caseworkers": "Vælg mindst én sagsbehandler."})
    for worker in caseworkers:
        if not _assignable(programme, worker):
            raise ValidationError({"caseworkers": f"{_name(worker)} arbejder ikke i programmets kommune."})
    open_cases = programme.cases.exclude(status__in=RESOLVED)
    load = dict(open_cases.filter(caseworker__in=caseworkers).values_list("caseworker").annotate(n=Count("id"))
                .values_list("caseworker", "n"))
    load = {w.pk: load.get(w.pk, 0) for w in caseworkers}
    order = {w.pk: w.get_username() for w in caseworkers}
    plan: dict[int, list] = {w.pk: [] for w in caseworkers}
    for pk in open_cases.filter(caseworker__isnull=True).order_by("number").values_list("pk", flat=True):
        worker = min(load, key=lambda w: (load[w], order[w]))
        plan[worker].append(pk)
        load[worker] += 1
    for worker, pks in plan.items():
        if pks:
            ReviewCase.objects.filter(pk__in=pks, caseworker__isnull=True).update(caseworker_id=worker)
    return sum(len(pks) for pks in plan.values())


# --- The review of one case -----------------------------------------------------------

def visitation_problems(*, track: str, effort_kind: str, rehab_outcome: str, complete: bool = True
                        ) -> dict[str, str]:
    """What is missing (with ``complete``) or contradictory in a visitation decision (seed
    002: a business-oriented effort, other active efforts, or the rehabiliteringsteam with
    ressourceforløb, fleksjob or førtidspension; or a change of visitation category to
    jobparat). A draft may be saved incomplete, never contradictory."""
    problems = {}
    missing = complete or bool(effort_kind)
    if not track:
        if complete:
            problems["track"] = "Vælg visitationen."
    elif track == Track.VIRKSOMHEDSRETTET and effort_kind not in VIRKSOMHEDSRETTET and missing:
        problems["effort_kind"] = "Vælg den virksomhedsrettede indsats: praktik, løntilskud eller ordinære timer."
    elif track == Track.OTHER_ACTIVE and effort_kind not in OTHER_ACTIVE and missing:
        problems["effort_kind"] = "Vælg den aktive indsats: mentor, behandling eller uddannelse."
    elif track == Track.REHABILITATION and not rehab_outcome and complete:
        problems["rehab_outcome"] = "Vælg rehabiliteringsteamets indstilling."
    if track != Track.REHABILITATION and rehab_outcome:
        problems["rehab_outcome"] = ("Rehabiliteringsteamets indstilling hører kun til visitationen "
                                     "til rehabiliteringsteamet.")
    if track in (Track.REHABILITATION, Track.JOBPARAT) and effort_kind:
        problems["effort_kind"] = "Denne visitation har ingen indsats her; lad feltet stå tomt."
    return problems


def afklaring_problems(case: ReviewCase) -> dict[str, str]:
    """What must be known before a case is afklaret: the current exemption, the citizen's own
    view (seed 004: the citizen's own description "must be given considerable weight"), and
    for a health exemption the social medical officer's assessment (seed 001: Odense reviewed
    the cases "herunder kommunens socialoverlæge")."""
    problems = {}
    if not case.exemption:
        problems["exemption"] = "Angiv borgerens nuværende fritagelse."
    if not case.citizen_view.strip():
        problems["citizen_view"] = "Skriv borgerens egen vurdering af sin situation."
    if case.exemption == Exemption.HEALTH and not case.medical_assessment.strip():
        problems["medical_assessment"] = "En helbredsbegrundet fritagelse kræver socialoverlægens vurdering."
    return problems


def _stale(current: ReviewCase) -> ValidationError:
    return ValidationError(
        f"Sagen er ændret af {current.updated_by_name or 'en anden'} siden du åbnede den. Dine ændringer er ikke "
        "gemt, men står stadig i formularen. Se den gemte version, og gem igen.",
        code="stale",
    )


def _locked(case: ReviewCase, version: int) -> ReviewCase:
    current = ReviewCase.objects.select_for_update().get(pk=case.pk)
    if current.version != version:
        raise _stale(current)
    return current


def _commit(current: ReviewCase, *, version: int, actor: User, fields: list[str]) -> ReviewCase:
    """Write ``fields`` only if nobody saved in between (compare-and-set on ``version``)."""
    current.version = version + 1
    current.updated_by_name = _name(actor)
    values = {f: getattr(current, f) for f in [*fields, "version", "updated_by_name"]}
    if not ReviewCase.objects.filter(pk=current.pk, version=version).update(**values):
        raise _stale(ReviewCase.objects.get(pk=current.pk))
    return current


@transaction.atomic
def save_case(*, case: ReviewCase, version: int, actor: User, on: datetime.date, **fields) -> ReviewCase:
    """Save the review's content (exemption, health, skånehensyn, the citizen's view, the
    visitation). ``version`` is the one the form was opened with; a newer saved version
    refuses the save (``code="stale"``)."""
    current = _locked(case, version)
    if current.status in RESOLVED:
        raise ValidationError(f"Sagen er {current.get_status_display().lower()} og kan ikke ændres.",
                              code="resolved")
    changed = []
    for name in CONTENT_FIELDS:
        if name in fields:
            value = (fields[name] or "").strip() if isinstance(fields[name], str) or fields[name] is None \
                else fields[name]
            if getattr(current, name) != value:
                setattr(current, name, value)
                changed.append(name)
    errors = {}
    for name, choices in (("exemption", Exemption), ("track", Track), ("effort_kind", EffortKind),
                          ("rehab_outcome", RehabOutcome)):
        value = getattr(current, name)
        if value and value not in choices.values:
            errors[name] = "Vælg en af mulighederne."
    errors.update(visitation_problems(track=current.track, effort_kind=current.effort_kind,
                                      rehab_outcome=current.rehab_outcome, complete=False))
    if errors:
        raise ValidationError(errors)
    if not changed:
        return current
    current = _commit(current, version=version, actor=actor, fields=changed)
    labels = ", ".join(str(ReviewCase._meta.get_field(n).verbose_name) for n in changed)
    _event(current, actor=actor, on=on, text=f"Gemt: {labels}.")
    return current


@transaction.atomic
def change_status(*, case: ReviewCase, version: int, to: str, actor: User, on: datetime.date | None = None,
                  close_reason: str = "", close_note: str = "", reason: str = "") -> ReviewCase:
    """Move a case through the review: not started → in review → afklaret → visiteret, back
    from afklaret to in review, or closed. Only ``ALLOWED_TRANSITIONS`` are possible.

    The change is entered now (server clock) and takes effect on ``on``, which can be neither
    in the future nor before the programme's start; more than ``measures.BACKDATE_DAYS``
    back it needs ``reason`` and counts only once a colleague has approved it
    (``decide_fact``). Closing takes its date from the register: the newest imported extract
    must show the citizen out of the kontanthjælp system (``measures.register_exit``);
    ``on`` is ignored then."""
    current = _locked(case, version)
    programme = current.programme
    source = Status(current.status)
    if to not in ALLOWED_TRANSITIONS[source]:
        target = Status(to).label.lower() if to in Status.values else to
        raise ValidationError(f"En sag med status »{source.label.lower()}« kan ikke blive »{target}«.",
                              code="illegal_transition")
    approval = Approval.NOT_NEEDED
    if to == Status.CLOSED:
        if close_reason not in CloseReason.values:
            raise ValidationError({"close_reason": "Vælg, hvorfor borgeren er ude af målgruppen."})
        exit_on, evidence = register_exit_of(current)
        if exit_on is None:
            raise ValidationError({"close_reason": evidence}, code="no_register_evidence")
        on = max(exit_on, programme.started_on)
    else:
        if on is None:
            raise ValidationError({"on": "Skriv datoen."})
        approval = _dated(programme, on, reason=reason, field="on")
    fields = ["status"]
    if to == Status.IN_REVIEW:
        if source == Status.NOT_STARTED:
            current.started_on = on
        current.afklaret_on = None
        fields += ["started_on", "afklaret_on"]
    elif to == Status.AFKLARET:
        problems = afklaring_problems(current)
        if problems:
            raise ValidationError(problems, code="incomplete")
        if current.started_on and on < current.started_on:
            raise ValidationError("Afklaringen kan ikke ligge før gennemgangen blev påbegyndt.")
        current.afklaret_on = on
        fields.append("afklaret_on")
    elif to == Status.VISITERET:
        problems = visitation_problems(track=current.track, effort_kind=current.effort_kind,
                                       rehab_outcome=current.rehab_outcome)
        if problems:
            raise ValidationError(problems, code="incomplete")
        if current.afklaret_on and on < current.afklaret_on:
            raise ValidationError("Visitationen kan ikke ligge før afklaringen.")
        current.visiteret_on = on
        fields.append("visiteret_on")
    elif to == Status.CLOSED:
        current.closed_on, current.close_reason = on, close_reason
        current.close_note = (close_note.strip() + " " + evidence).strip()[:300]
        fields += ["closed_on", "close_reason", "close_note"]
    current.status = to
    current = _commit(current, version=version, actor=actor, fields=fields)
    text = f"Status: {source.label} → {Status(to).label}."
    if to == Status.CLOSED:
        text += f" Årsag: {CloseReason(close_reason).label}. {evidence}"
    _event(current, actor=actor, on=on, text=text, from_status=source, to_status=to, approval=approval,
           entered_reason=reason.strip())
    return current


def register_exit_of(case: ReviewCase) -> tuple[datetime.date | None, str]:
    """The day the newest imported extract of the case's programme shows the citizen out of
    the kontanthjælp system of the programme's municipality, with the evidence as a Danish
    sentence (or, without a date, why the case cannot be closed)."""
    latest = case.programme.register_imports.order_by("-extract_on", "-imported_at").first()
    if latest is None:
        return None, ("Sagen kan kun lukkes, når et registerudtræk viser, at borgeren har forladt "
                      "kontanthjælpssystemet. Der er ikke indlæst noget udtræk i programmet.")
    periods = [(p.kommunekode, p.ydelse, measures.Interval(p.starts_on, p.ends_on))
               for p in latest.periods.filter(case=case)]
    exit_on = measures.register_exit(periods, extract_on=latest.extract_on,
                                     municipality=case.programme.municipality_id)
    if exit_on is None:
        return None, (f"Registerudtrækket pr. {kortdato(latest.extract_on)} viser ikke, at borgeren har forladt "
                      "kontanthjælpssystemet i kommunen. Sagen kan ikke lukkes.")
    return exit_on, (f"Registerudtrækket pr. {kortdato(latest.extract_on)} (SHA-256 {latest.sha256[:12]}…) viser "
                     f"borgeren ude af kontanthjælpssystemet fra {kortdato(exit_on)}.")


# --- Efforts and benefit periods -----------------------------------------------------

def effort_problems(*, kind: str, starts_on, ends_on, hours_per_week, employer: str) -> dict[str, str]:
    problems = {}
    if kind not in EffortKind.values:
        problems["kind"] = "Vælg indsatsens type."
    if starts_on is None:
        problems["starts_on"] = "Skriv startdatoen."
    elif ends_on is not None and ends_on < starts_on:
        problems["ends_on"] = "Slutdatoen ligger før startdatoen."
    if hours_per_week is not None and not (0 < hours_per_week <= MAX_HOURS_PER_WEEK):
        problems["hours_per_week"] = "Timer pr. uge skal være over 0 og højst 37."
    if kind in VIRKSOMHEDSRETTET and not (employer or "").strip():
        problems["employer"] = "En virksomhedsrettet indsats skal have en arbejdsgiver."
    return problems


def add_effort(*, case: ReviewCase, actor: User, kind: str, starts_on: datetime.date,
               ends_on: datetime.date | None = None, hours_per_week: Decimal | None = None, employer: str = "",
               idempotency_key: uuid.UUID | None = None, reason: str = "") -> tuple[Effort, bool]:
    """Record an effort. It takes effect on its start date, which can be neither in the
    future nor before the programme's start; more than ``measures.BACKDATE_DAYS`` back it
    needs ``reason`` and a colleague's approval before it counts. The same
    ``idempotency_key`` twice (a form posted twice) gives the first effort back. Returns
    ``(effort, created)``."""
    existing = made_before(Effort, idempotency_key, message="Formularen er allerede brugt til en anden sag.",
                           case_id=case.pk)
    if existing is not None:
        return existing, False
    problems = effort_problems(kind=kind, starts_on=starts_on, ends_on=ends_on, hours_per_week=hours_per_week,
                               employer=employer)
    if problems:
        raise ValidationError(problems)
    approval = _dated(case.programme, starts_on, reason=reason, field="starts_on")
    effort = Effort(case=case, kind=kind, starts_on=starts_on, ends_on=ends_on, hours_per_week=hours_per_week,
                    employer=employer.strip()[:150], idempotency_key=idempotency_key, created_by=actor,
                    approval=approval, entered_reason=reason.strip()[:500])
    return insert_once(effort, then=lambda e: _event(case, actor=actor, on=starts_on,
                                                     text=f"Indsats registreret: {e.get_kind_display()}."))


@transaction.atomic
def add_benefit_period(*, case: ReviewCase, actor: User, ydelse: str, starts_on: datetime.date,
                       ends_on: datetime.date | None = None, reason: str = "") -> BenefitPeriod:
    """Type a correction of the register: a period in which the citizen received a benefit
    (the register vocabulary) that the imported extract lacks. Benefit periods come from
    register extracts (``import_register_extract``); a typed one needs a reason and counts
    only once a colleague has approved it (``decide_fact``). Source: issue 17 ("a typed
    period is a documented correction with a reason and a second approver")."""
    if not reason.strip():
        raise ValidationError({"reason": "En rettelse af registeret skal have en begrundelse (fx hvilket "
                               "dokument der viser perioden)."})
    if ydelse not in YDELSER:
        raise ValidationError({"ydelse": "Vælg en ydelse fra listen."})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "Sidste dag ligger før første dag."})
    overlapping = case.benefit_periods.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on),
                                              ydelse__in=SYSTEM)
    if ends_on is not None:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if ydelse in SYSTEM and overlapping.exclude(decision__approved=False).exists():
        raise ValidationError("Perioden overlapper en anden periode i kontanthjælpssystemet.", code="overlap")
    if starts_on > _today():
        raise ValidationError({"starts_on": f"Datoen {kortdato(starts_on)} ligger i fremtiden."})
    period = BenefitPeriod.objects.create(case=case, ydelse=ydelse, starts_on=starts_on, ends_on=ends_on,
                                          created_by=actor, approval=Approval.PENDING,
                                          entered_reason=reason.strip()[:500])
    _event(case, actor=actor, on=_today(),
           text=f"Rettelse af registeret: {YDELSER[ydelse]} fra {kortdato(starts_on)} afventer godkendelse.")
    return period


def import_efforts(*, programme: Programme, actor: User, name: str, content: bytes) -> EffortImport:
    """Read a CSV file of efforts (``imports.parse_efforts``) into the programme's cases.
    Every row is checked first; a bad row refuses the whole file with a message naming the
    file, the row and the problem, and nothing is written. The same file twice is refused.

    The file is checked outside any transaction and written in chunks of ``WRITE_CHUNK``
    rows, one short transaction each (``_write_in_chunks``), so that on SQLite no single
    transaction holds the write lock while other users' reads wait to write their read-log
    entries (docs/operations.md, "The embedded database")."""
    if not rules.has_perm("review.import_efforts", actor, programme):
        raise PermissionDenied
    digest = hashlib.sha256(content).hexdigest()
    if EffortImport.objects.filter(programme=programme, sha256=digest).exists():
        raise ValidationError(f"{name}: filen er allerede indlæst i programmet. Den er ikke indlæst igen.",
                              code="duplicate")
    cases = dict(programme.cases.values_list("cpr_index", "pk"))
    try:
        rows = imports.parse_efforts(content, name=name, case_for_index=cases.get)
    except imports.EffortInputError as error:
        raise ValidationError(str(error), code="effort_input") from None
    entered_on = _today()
    dated = [(r, measures.effective_date_problem(r.starts_on, entered_on=entered_on,
                                                 programme_start=programme.started_on)) for r in rows]
    bad = [(n, problem) for n, (_, problem) in enumerate(dated, start=1) if problem]
    if bad:
        more = f" ({len(bad) - 1} andre rækker har også fejl.)" if len(bad) > 1 else ""
        raise ValidationError(f"Fejl i inddata: {name}, række {bad[0][0]}: startdatoen: {bad[0][1]}{more}",
                              code="effort_input")
    try:
        with transaction.atomic():
            batch = EffortImport.objects.create(programme=programme, original_name=name[:200], sha256=digest,
                                                rows=len(rows), created_by=actor)
    except IntegrityError:  # the same file, imported by someone else while this one was checked
        raise ValidationError(f"{name}: filen er allerede indlæst i programmet. Den er ikke indlæst igen.",
                              code="duplicate") from None
    backdated = f"Indlæst fra filen {name[:200]}, som en kollega skal godkende."
    _write_in_chunks(Effort, (
        Effort(case_id=r.case_id, kind=r.kind, starts_on=r.starts_on, ends_on=r.ends_on,
               hours_per_week=r.hours_per_week, employer=r.employer, source=Source.IMPORT, import_batch=batch,
               created_by=actor,
               **({"approval": Approval.PENDING, "entered_reason": backdated}
                  if measures.needs_second_approval(r.starts_on, entered_on=entered_on) else {}))
        for r in rows
    ), undo=lambda: (Effort.objects.filter(import_batch=batch).delete(), batch.delete()))
    return batch


WRITE_CHUNK = 2000


def _write_in_chunks(model, objects, *, undo) -> None:
    """Insert ``objects`` ``WRITE_CHUNK`` at a time, each chunk its own transaction, so other
    writers (every audited read) get the write lock between chunks. If a chunk fails, the
    rows already written are removed by ``undo`` and the error is raised: a file is read
    whole or not at all."""
    chunk = []
    try:
        for obj in objects:
            chunk.append(obj)
            if len(chunk) == WRITE_CHUNK:
                with transaction.atomic():
                    model.objects.bulk_create(chunk)
                chunk = []
        if chunk:
            with transaction.atomic():
                model.objects.bulk_create(chunk)
    except BaseException:
        with transaction.atomic():
            undo()
        raise


@transaction.atomic
def record_measurement(*, programme: Programme, measure: Measure, actor: User) -> Measurement:
    """Store a measure with its rule version, parameters and evidence (for the pools)."""
    if not rules.has_perm("review.record_measurement", actor, programme):
        raise PermissionDenied
    return Measurement.objects.create(
        programme=programme, measure=measure.name, rule_version=measure.rule_version,
        parameters=measure.parameters, period=measure.period, numerator=measure.numerator,
        denominator=measure.denominator, met=measure.met, evidence=measure.evidence, computed_by=actor,
    )


# --- Second person's approval --------------------------------------------------------

FACT_MODELS = {"event": CaseEvent, "effort": Effort, "period": BenefitPeriod}


def _entered_by(fact) -> int | None:
    return fact.actor_id if isinstance(fact, CaseEvent) else fact.created_by_id


def approval_problem(*, fact, actor: User) -> str | None:
    """Who may approve or reject a waiting fact: another caseworker or jobcentre manager of
    the programme's municipality, never the one who entered it. Source: issue 17 ("a second
    person ... never the one who entered it"); DOMAIN.md ("a payout order is approved by a
    second person")."""
    if _entered_by(fact) == actor.pk:
        return "Du har selv registreret oplysningen. En kollega skal godkende eller afvise den."
    if fact.state != Approval.PENDING:
        return f"Oplysningen er allerede behandlet ({fact.get_state_display().lower()})."
    return None


@transaction.atomic
def decide_fact(*, kind: str, pk, approve: bool, reason: str, actor: User) -> object:
    """Approve or reject a backdated fact or a typed correction, with a reason. An approved
    fact counts from the day it was approved. A rejected status change is undone on the case
    (it goes back to the status before, if nothing happened since), so that it can be entered
    again with a true date."""
    model = FACT_MODELS.get(kind)
    if model is None:
        raise ValidationError("Ukendt slags oplysning.")
    try:
        pk = model._meta.pk.to_python(pk)
    except ValidationError:
        raise ValidationError("Oplysningen findes ikke.") from None
    fact = model.objects.select_for_update().select_related("case__programme").filter(pk=pk).first()
    if fact is None:
        raise ValidationError("Oplysningen findes ikke.")
    if not rules.has_perm("review.approve_facts", actor, fact.case):
        raise PermissionDenied
    problem = approval_problem(fact=fact, actor=actor)
    if problem:
        raise ValidationError(problem, code="approval")
    if not reason.strip():
        raise ValidationError({"decision_reason": "Skriv en begrundelse for godkendelsen eller afvisningen."})
    FactDecision.objects.create(**{kind: fact}, approved=approve, decided_by=actor, decided_by_name=_name(actor),
                                decided_at=clock.now(), reason=reason.strip()[:500])
    case = ReviewCase.objects.select_for_update().get(pk=fact.case_id)
    verdict = "godkendt" if approve else "afvist"
    text = f"{model._meta.verbose_name.capitalize()} {verdict} af {_name(actor)}: {reason.strip()}"
    if not approve and isinstance(fact, CaseEvent) and fact.to_status and case.status == fact.to_status:
        undo = {Status.IN_REVIEW: ["started_on"], Status.AFKLARET: ["afklaret_on"],
                Status.VISITERET: ["visiteret_on"], Status.CLOSED: ["closed_on"]}.get(fact.to_status, [])
        for name in undo:
            setattr(case, name, None)
        case.status = fact.from_status
        case = _commit(case, version=case.version, actor=actor, fields=["status", *undo])
        text += f" Status er sat tilbage til {Status(fact.from_status).label.lower()}."
    _event(case, actor=actor, on=_today(), text=text)
    return fact


# --- Register extracts -----------------------------------------------------------------

def import_register_extract(*, programme: Programme, actor: User, name: str, content: bytes,
                            extract_on: datetime.date, kind: str = RegisterImport.Kind.PERIODS,
                            dream_codes: bytes | None = None) -> RegisterImport:
    """Read a newer register extract of benefit periods into a programme: the periods of the
    gross target group's members are kept with the file's SHA-256 and the extract's date, and
    the milestones use it from today (``measures.known_by``). The file is the one ``helhed
    register`` reads (``register.periods``), or a DREAM extract with its code table
    (``register.dream``). It must be newer than the programme's newest extract, and its date
    can be neither in the future nor before the target group's reference date. Source: issue
    17 ("Benefit periods come from the registers").

    Like ``import_efforts``, the file is read outside any transaction and the periods are
    written in short transactions (``_write_in_chunks``)."""
    if not rules.has_perm("review.import_register", actor, programme):
        raise PermissionDenied
    today = _today()
    if extract_on > today:
        raise ValidationError({"extract_on": f"Udtrækkets dato {kortdato(extract_on)} ligger i fremtiden."})
    if extract_on < programme.as_of:
        raise ValidationError({"extract_on": "Udtrækkets dato ligger før målgruppens skæringsdato "
                               f"{kortdato(programme.as_of)}."})
    latest = programme.register_imports.order_by("-extract_on").first()
    if latest is not None and extract_on <= latest.extract_on:
        raise ValidationError({"extract_on": "Udtrækket skal være nyere end det seneste, der er indlæst "
                               f"(pr. {kortdato(latest.extract_on)})."})
    digest = hashlib.sha256(content).hexdigest()
    if programme.register_imports.filter(sha256=digest).exists():
        raise ValidationError(f"{name}: filen er allerede indlæst i programmet.", code="duplicate")
    members = dict(programme.cases.values_list("cpr_index", "pk"))
    try:
        read = register_import.member_periods(content, name=name, kind=kind, dream_codes=dream_codes,
                                              today=today, municipality=programme.municipality_id,
                                              index_of=cpr_blind_index, wanted=members.keys())
    except register_import.RegisterInputError as error:
        place = f", {error.where} {error.row}" if error.row is not None else ""
        raise ValidationError(f"{name}{place}: {error.problem}", code="register_input") from None
    with transaction.atomic():
        # Checked again inside the write lock: another import may have come first meanwhile.
        latest = programme.register_imports.order_by("-extract_on").first()
        if latest is not None and extract_on <= latest.extract_on:
            raise ValidationError({"extract_on": "Udtrækket skal være nyere end det seneste, der er indlæst "
                                   f"(pr. {kortdato(latest.extract_on)})."})
        try:
            with transaction.atomic():
                batch = RegisterImport.objects.create(
                    programme=programme, kind=kind, original_name=name[:200], sha256=digest, extract_on=extract_on,
                    rows_read=read.rows, members_found=len(read.periods),
                    periods_kept=sum(map(len, read.periods.values())), imported_by=actor,
                    imported_by_name=_name(actor))
        except IntegrityError:
            raise ValidationError(f"{name}: filen er allerede indlæst i programmet.", code="duplicate") from None
    _write_in_chunks(RegisterPeriod, (
        RegisterPeriod(register_import=batch, case_id=members[index], kommunekode=kommunekode, ydelse=ydelse,
                       starts_on=start, ends_on=end)
        for index, periods in read.periods.items() for kommunekode, ydelse, start, end in periods
    ), undo=lambda: (RegisterPeriod.objects.filter(register_import=batch).delete(), batch.delete()))
    return batch
