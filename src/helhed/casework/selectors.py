"""Reads of cases, letters and the work queue. Every selector that returns a citizen's data
takes the acting user, applies ``rules`` scoping in the query and writes the read to the
audit log. Query counts do not grow with the data (tests/casework/test_queries.py)."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import operator
from dataclasses import dataclass
from uuid import UUID

import rules
from django.db.models import Q, QuerySet
from django.http import Http404

from helhed.casework.models import (
    Authority,
    Case,
    CaseEvent,
    CaseStatus,
    Complaint,
    Hearing,
    Letter,
    LetterChannel,
    LetterStatus,
    Payment,
    Task,
    TaskStatus,
)
from helhed.core.audit import record_read
from helhed.core.models import User
from helhed.core.roles import MUNICIPAL_ROLES, Role
from helhed.core.rules import municipality_scope, permitted_or_404, scoped
from helhed.registry.models import Citizen, Representation, RepresentationKind, RepresentationScope
from helhed.registry.selectors import in_force, own_citizen

# A page of a list: the newest or most urgent first, and a filter for the rest. Rendering and
# auditing 200 rows cost a caseworker page about 100 ms at national size (bench/RESULTS.md).
LIST_LIMIT = 50
_LETTER_FIELDS = ("pdf", "body_html", "text")


# --- Cases ---------------------------------------------------------------------------------------

def _case_scopes(user: User) -> list[Q]:
    """What the user may see (``rules.may_read_case``), as parts that each one index answers
    in date order: UDK staff see Udbetaling Danmark's cases, nationally; municipal staff
    their municipalities' own cases and Udbetaling Danmark's cases of their citizens (whose
    municipality is the citizen's home); everybody else none (citizens use ``own_cases``)."""
    if not rules.has_perm("casework.view_cases", user):
        return []
    if user.role == Role.UDK_STAFF:
        return [Q(authority=Authority.UDK)]
    if user.role in MUNICIPAL_ROLES:
        scope = municipality_scope(user)
        return [Q(authority=Authority.MUNICIPALITY, municipality_id__in=scope),
                Q(authority=Authority.UDK, municipality_id__in=scope)]
    return []


def cases_visible_to(user: User) -> QuerySet[Case]:
    qs = Case.objects.select_related("citizen", "municipality", "caseworker")
    scopes = _case_scopes(user)
    if not scopes:
        return qs.none()
    return qs.filter(functools.reduce(operator.or_, scopes))


def case_list(*, user: User, channel: str, status: str = "", benefit_area: str = "", mine: bool = False,
              limit: int = LIST_LIMIT) -> list[Case]:
    """The newest cases the user may see, filtered. One query per part of the user's scope,
    each served by an index in date order (``Case.Meta.indexes``), then the newest of them
    together: one query with ``OR`` across the parts could use no index for the order and
    sorted every case of the municipality (seconds at national size, bench/RESULTS.md)."""
    wanted = Q()
    if status:
        wanted &= Q(status=status)
    if benefit_area:
        wanted &= Q(benefit_area=benefit_area)
    if mine:
        wanted &= Q(caseworker=user)
    newest = sorted(
        (row for scope in _case_scopes(user)
         for row in Case.objects.filter(scope, wanted).order_by("-opened_on", "reference")
         .values_list("opened_on", "reference", "pk")[:limit]),
        key=lambda row: (-row[0].toordinal(), row[1]))[:limit]
    by_pk = Case.objects.select_related("citizen", "municipality", "caseworker").in_bulk([pk for *_, pk in newest])
    found = [by_pk[pk] for *_, pk in newest]
    record_read(actor=user, citizen_uuids=[c.citizen_id for c in found], what="Sager: ydelse, status og navn",
                purpose="Sagsbehandling: liste over sager", channel=channel)
    return found


@dataclass
class CaseDetail:
    case: Case
    events: list[CaseEvent]
    letters: list[Letter]
    tasks: list[Task]
    complaints: list[Complaint]
    payments: list[Payment]
    can_work: bool
    can_complain: bool
    hearings: list[Hearing]
    can_respond: bool
    can_note: bool = False
    can_ask_udk: bool = False
    questions: list = dataclasses.field(default_factory=list)

    @property
    def awaiting_hearing(self) -> Hearing | None:
        """The hearing that waits for the citizen's answer, if any."""
        return next((h for h in self.hearings if not h.concluded_on and not h.response), None)


def get_case(*, user: User, case_id: UUID) -> Case:
    """The case, if the user may read it; else 404 (its existence is not revealed)."""
    case = permitted_or_404(cases_visible_to(user).filter(pk=case_id).first(),
                            user=user, perm="casework.view_case",
                            message="Sagen findes ikke eller er ikke tilgængelig for dig.")
    return case


def case_detail(*, user: User, case_id: UUID, purpose: str, channel: str) -> CaseDetail:
    case = get_case(user=user, case_id=case_id)
    detail = CaseDetail(
        case=case,
        events=list(case.events.select_related("representative").order_by("at", "id")),
        letters=list(case.letters.defer(*_LETTER_FIELDS).select_related("contact_person").order_by("-created_at")),
        tasks=list(case.tasks.select_related("assigned_to").order_by("status", "due_on")),
        complaints=list(case.complaints.select_related("representative").all()),
        payments=list(case.payments.all()),
        can_work=rules.has_perm("casework.work_case", user, case),
        can_complain=rules.has_perm("casework.record_complaint", user, case),
        can_note=rules.has_perm("casework.add_note", user, case),
        can_ask_udk=rules.has_perm("casework.ask_udk", user, case),
        questions=list(case.fasttrack_questions.select_related("organisation").order_by("-asked_at")),
        hearings=list(case.hearings.select_related("representative").order_by("-sent_on", "-created_at")),
        can_respond=rules.has_perm("casework.respond_to_hearing", user, case),
    )
    others = [(x.representative_id, "Navn (som repræsentant)")
              for x in [*detail.events, *detail.complaints, *detail.hearings] if x.representative_id]
    record_read(actor=user, citizen_uuids=[case.citizen_id],
                what="Sag: tidslinje, partshøringer, breve, opgaver, klager og udbetalinger", purpose=purpose,
                channel=channel, also=others)
    return detail


def get_complaint(*, user: User, complaint_id: UUID) -> Complaint:
    complaint = Complaint.objects.select_related("case").filter(
        pk=complaint_id, case__in=cases_visible_to(user)).first()
    if complaint is None:
        raise Http404("Klagen findes ikke eller er ikke tilgængelig for dig.")
    return complaint


# --- The work queue ------------------------------------------------------------------------------------

def tasks_visible_to(user: User) -> QuerySet[Task]:
    """Municipal staff: their municipalities' queue; UDK staff: Udbetaling Danmark's queue."""
    qs = Task.objects.select_related("citizen", "case", "assigned_to")
    if not rules.has_perm("casework.view_work_queue", user):
        return qs.none()
    if user.role == Role.UDK_STAFF:
        return qs.filter(authority=Authority.UDK)
    return scoped(qs.filter(authority=Authority.MUNICIPALITY), user)


def work_queue(*, user: User, channel: str, status: str = TaskStatus.OPEN, kind: str = "", mine: bool = False,
               limit: int = LIST_LIMIT) -> list[Task]:
    qs = tasks_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if mine:
        qs = qs.filter(assigned_to=user)
    found = list(qs.order_by("due_on", "created_at")[:limit])
    record_read(actor=user, citizen_uuids={t.citizen_id for t in found if t.citizen_id},
                what="Opgaver i arbejdskøen med borgerens navn", purpose="Sagsbehandling: arbejdskø", channel=channel)
    return found


def get_task(*, user: User, task_id: UUID) -> Task:
    task = permitted_or_404(tasks_visible_to(user).filter(pk=task_id).first(),
                            user=user, perm="casework.work_task",
                            message="Opgaven findes ikke eller er ikke tilgængelig for dig.")
    return task


# --- Letters -----------------------------------------------------------------------------------------------

def print_queue(*, user: User, channel: str) -> list[Letter]:
    """Letters to print for the cases the user works: delivered to paper and not yet
    printed, and letters that could not be delivered (so none is lost)."""
    if not rules.has_perm("casework.view_print_queue", user):
        return []
    workable = cases_visible_to(user)
    if user.role != Role.UDK_STAFF:
        workable = workable.filter(authority=Authority.MUNICIPALITY)
    found = list(
        Letter.objects.defer(*_LETTER_FIELDS).select_related("citizen", "case")
        .filter(case__in=workable)
        .filter(Q(status=LetterStatus.DELIVERED, channel=LetterChannel.PRINT, printed_at__isnull=True)
                | Q(status=LetterStatus.FAILED))
        .order_by("delivered_at", "created_at")[:LIST_LIMIT]
    )
    record_read(actor=user, citizen_uuids={x.citizen_id for x in found}, what="Breve til udskrift: navn og adresse",
                purpose="Udskrift af papirbreve", channel=channel)
    return found


def get_print_letter(*, user: User, letter_id: UUID) -> Letter:
    for letter in Letter.objects.select_related("case__citizen").filter(pk=letter_id):
        if rules.has_perm("casework.work_case", user, letter.case):
            return letter
    raise Http404("Brevet findes ikke eller er ikke tilgængeligt for dig.")


def represented_by(citizen: Citizen, today: datetime.date) -> list[UUID]:
    """The citizens ``citizen`` may act for today: an active power of attorney or party
    representation (forvaltningsloven § 8). A bisidder only assists and sees nothing."""
    return list(dict.fromkeys(r.citizen_id for r in representations_of(citizen, today)))


def representations_of(citizen: Citizen, today: datetime.date) -> list[Representation]:
    """The fuldmagter and party representations ``citizen`` holds that are in force today
    (started, not ended, not revoked; ``registry.selectors.in_force``)."""
    return list(Representation.objects.filter(
        in_force(today), representative=citizen,
        kind__in=[RepresentationKind.POWER_OF_ATTORNEY, RepresentationKind.PARTY_REPRESENTATIVE],
    ).select_related("citizen"))


def represented_cases_q(representations: list[Representation]) -> Q:
    """The cases a representative may read: each represented citizen's cases within the
    representation's scope (a fuldmagt for certain benefits reaches those benefits' cases
    only; a full or read-only one reaches every case). Source: forvaltningsloven § 8 (a
    party may be represented at every stage, within the power given); issue 18
    (representatives on equal terms). Nothing when there is no representation in force."""
    parts = []
    for r in representations:
        if r.scope_kind == RepresentationScope.AREAS:
            parts.append(Q(citizen_id=r.citizen_id, benefit_area__in=list(r.benefit_areas or [])))
        else:
            parts.append(Q(citizen_id=r.citizen_id))
    return functools.reduce(operator.or_, parts) if parts else Q(pk__in=[])


@dataclass
class Mailbox:
    citizen: Citizen
    letters: list[Letter]
    cases: list[Case]
    represented: list[Citizen]
    helped_cases: list[Case]
    #: Exempt from Digital Post today: the citizen's letters reach them on paper, by post.
    exempt_from_digital_post: bool = False


#: Letters newest first: by the letter's date (the one printed on it and shown with it), then
#: the time it was sent, then when it was written, and last its id, so that letters sent in the
#: same outbox run keep one order from one page view to the next.
LETTERS_NEWEST_FIRST = ("-written_on", "-delivered_at", "-created_at", "-id")


def mailbox(*, user: User, today: datetime.date, channel: str) -> Mailbox:
    """The citizen's Digital Post: every delivered letter to them, and to the citizens they
    represent; and their cases (for complaints and deadlines)."""
    citizen = own_citizen(user)
    held = representations_of(citizen, today)
    others = list(dict.fromkeys(r.citizen_id for r in held))
    found = list(Letter.objects.defer(*_LETTER_FIELDS).select_related("citizen", "case")
                 .filter(Q(citizen_id=citizen.pk) | Q(case__in=Case.objects.filter(represented_cases_q(held))),
                         status=LetterStatus.DELIVERED)
                 .order_by(*LETTERS_NEWEST_FIRST)[:LIST_LIMIT])
    exempt = any(e.is_active(today) for e in citizen.digital_post_exemptions.all())
    cases = list(Case.objects.select_related("municipality").filter(citizen=citizen)
                 .prefetch_related("complaints").order_by("-opened_on"))
    represented = list(Citizen.objects.filter(pk__in=others))
    helped = _open_cases_of(represented_by(citizen, today))
    # One read-log entry per person: the letters and the open cases of a represented citizen
    # are one read (``record_read`` joins the two descriptions).
    record_read(actor=user, citizen_uuids=[citizen.pk], what="Egne breve og sager",
                purpose="Selvbetjening: Digital Post", channel=channel,
                also=[*((pk, "Breve (som repræsentant med fuldmagt)") for pk in others),
                      *((c.citizen_id, "Sager: ydelse og status") for c in helped)])
    return Mailbox(citizen=citizen, letters=found, cases=cases, represented=represented, helped_cases=helped,
                   exempt_from_digital_post=exempt)


def _open_cases_of(citizen_ids) -> list[Case]:
    return list(Case.objects.select_related("citizen").filter(citizen_id__in=citizen_ids)
                .exclude(status=CaseStatus.CLOSED).order_by("-opened_on")[:LIST_LIMIT])


@dataclass
class SelfServiceCase:
    case: Case
    hearing: Hearing | None
    complaints: list[Complaint]
    representation: Representation | None
    may_act: bool

    @property
    def representative(self) -> Citizen | None:
        return self.representation.representative if self.representation else None


def self_service_case(*, user: User, case_id: UUID, today: datetime.date, channel: str,
                      action: str = "read") -> SelfServiceCase:
    """A case in self-service for the citizen it is about, or a representative whose
    representation in force permits ``action`` for its benefit area (``rules.self_service_access``).
    Anyone else, and a revoked or expired representation, gets 404; a representation that
    permits reading but not acting gets 403 for ``action="act"``. Audited, a representative's
    read in the citizen's log "på borgerens vegne"."""
    from django.core.exceptions import PermissionDenied

    from helhed.casework.rules import self_service_access

    me = own_citizen(user)
    case = Case.objects.select_related("citizen", "municipality").filter(pk=case_id).first()
    if case is None:
        raise Http404("Sagen findes ikke.")
    representation = None
    if case.citizen_id != me.pk:
        mine = list(Representation.objects.select_related("representative").filter(
            citizen_id=case.citizen_id, representative=me,
            kind__in=[RepresentationKind.POWER_OF_ATTORNEY, RepresentationKind.PARTY_REPRESENTATIVE])
            .order_by("-valid_from"))
        representation = self_service_access(mine, benefit_area=case.benefit_area, action="read", today=today)
        if representation is None:
            raise Http404("Sagen findes ikke.")
        acting = self_service_access(mine, benefit_area=case.benefit_area, action="act", today=today)
        if action == "act" and acting is None:
            raise PermissionDenied("Din fuldmagt giver ikke ret til at handle i denne sag.")
        representation = acting or representation
        may_act = acting is not None
    else:
        may_act = True
    hearing = (Hearing.objects.filter(case=case, concluded_on__isnull=True, response="")
               .order_by("-sent_on", "-created_at").first())
    complaints = list(case.complaints.select_related("representative"))
    # The page names a representative who complained on the citizen's behalf: their read too.
    record_read(actor=user, citizen_uuids=[case.citizen_id], what="Sag: status, partshøring og klager",
                purpose=("Selvbetjening: med fuldmagt" if representation
                         else "Selvbetjening: egen sag"), channel=channel,
                also=[(k.representative_id, "Navn (som repræsentant)") for k in complaints if k.representative_id])
    return SelfServiceCase(case=case, hearing=hearing, complaints=complaints, representation=representation,
                           may_act=may_act)


def own_case(*, user: User, case_id: UUID) -> Case:
    citizen = own_citizen(user)
    case = Case.objects.filter(pk=case_id, citizen=citizen).first()
    if case is None:
        raise Http404("Sagen findes ikke.")
    return case


def letter_for_download(*, user: User, letter_id: UUID, today: datetime.date, channel: str) -> Letter:
    """A letter's PDF for whoever may read it: staff who may read the case, the citizen
    (once delivered), or a representative with an active power of attorney."""
    letter = (Letter.objects.select_related("citizen", "case__municipality", "case__citizen")
              .filter(pk=letter_id).first())
    if letter is None:
        raise Http404("Brevet findes ikke.")
    if user.role == Role.CITIZEN:
        me = own_citizen(user)
        allowed = letter.status == LetterStatus.DELIVERED and (
            letter.citizen_id == me.pk
            or Case.objects.filter(represented_cases_q(representations_of(me, today)), pk=letter.case_id).exists())
        purpose = "Selvbetjening: brev i Digital Post"
    else:
        allowed = rules.has_perm("casework.view_case", user, letter.case)
        purpose = "Sagsbehandling: brev i sagen"
    if not allowed:
        raise Http404("Brevet findes ikke eller er ikke tilgængeligt for dig.")
    record_read(actor=user, citizen_uuids=[letter.citizen_id], what=f"Brev: {letter.subject}", purpose=purpose,
                channel=channel)
    return letter


@dataclass
class RepresentedView:
    """What a representative sees of a citizen they hold a fuldmagt for: the cases within
    its scope, their delivered letters and open hearings. Read-only."""

    citizen: Citizen
    representations: list[Representation]
    cases: list[Case]
    letters: list[Letter]
    hearings: list[Case]


def represented_view(*, user: User, citizen_id: UUID, today: datetime.date, channel: str) -> RepresentedView:
    """The represented citizen's cases, letters and hearings, as far as the representations
    in force today reach (``represented_cases_q``); 404 when none does (revoked, expired,
    never given: the citizen's existence is not revealed). The read is recorded in the
    represented citizen's log, naming the representative."""
    me = own_citizen(user)
    held = [r for r in representations_of(me, today) if r.citizen_id == citizen_id]
    if not held:
        raise Http404("Du kan ikke se denne borgers sager.")
    cases = list(Case.objects.select_related("municipality").filter(represented_cases_q(held))
                 .prefetch_related("complaints").order_by("-opened_on")[:LIST_LIMIT])
    found = list(Letter.objects.defer(*_LETTER_FIELDS).select_related("case")
                 .filter(case__in=[c.pk for c in cases], status=LetterStatus.DELIVERED)
                 .order_by(*LETTERS_NEWEST_FIRST)[:LIST_LIMIT])
    hearings = [c for c in cases if c.status == CaseStatus.HEARING and c.hearing_deadline]
    record_read(actor=user, citizen_uuids=[citizen_id],
                what="Sager, breve og partshøringer (som repræsentant med fuldmagt)",
                purpose="Selvbetjening: repræsentant ser borgerens sager", channel=channel)
    return RepresentedView(citizen=held[0].citizen, representations=held, cases=cases, letters=found,
                           hearings=hearings)


# --- The whole-citizen overview ------------------------------------------------------------------------------

@dataclass
class OverviewData:
    open_cases: list[Case]
    deadlines: list[tuple[datetime.date, str, Case]]
    letters: list[Letter]
    open_tasks: int


def overview_section(*, user: User, citizen: Citizen, today: datetime.date) -> OverviewData | None:
    """Open cases, their deadlines and the latest letters, as far as the user may see them.
    No audit here: the overview page records one read naming this section."""
    if user.role == Role.CITIZEN:
        cases_qs = Case.objects.filter(citizen=citizen) if citizen.user_id == user.pk else Case.objects.none()
    else:
        cases_qs = cases_visible_to(user).filter(citizen=citizen)
    # Only the columns the section shows (building a query costs per column joined): the
    # citizen is known and no caseworker is shown.
    cases = list(cases_qs.select_related(None).select_related("municipality").only(
        "citizen", "reference", "benefit_area", "authority", "status", "hearing_deadline", "municipality__name")
        .order_by("-opened_on")[:50])
    if not cases:
        return None
    open_cases = [c for c in cases if c.status != CaseStatus.CLOSED]
    # Sorted on the date alone: two hearings can end the same day, and cases do not compare.
    deadlines = sorted(((c.hearing_deadline, "Svarfrist i partshøring", c) for c in open_cases
                        if c.status == CaseStatus.HEARING and c.hearing_deadline), key=lambda d: d[0])
    latest = list(Letter.objects.defer(*_LETTER_FIELDS).filter(case__in=[c.pk for c in cases])
                  .order_by("-created_at")[:5])
    open_tasks = 0
    if user.role != Role.CITIZEN:
        open_tasks = tasks_visible_to(user).filter(citizen=citizen, status=TaskStatus.OPEN).count()
    return OverviewData(open_cases=open_cases, deadlines=deadlines, letters=latest, open_tasks=open_tasks)
