"""Reads on the Kvik-linje. The API's reads decide coverage (``rules.organisation_covers``)
and write the read audit, so a handler cannot forget either. A refusal is ``Http404``:
the same answer as for a citizen or case that does not exist."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from uuid import UUID

import rules
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from helhed.casework.models import BenefitArea, Case, CaseStatus
from helhed.core.audit import record_read
from helhed.core.cpr import cpr_blind_index, parse_cpr
from helhed.core.db import prepared_cursor
from helhed.core.models import User
from helhed.fasttrack.models import (
    ApiKey,
    Consent,
    ConsentScope,
    KeyUsage,
    Organisation,
    OrganisationKind,
    Question,
    QuestionStatus,
)
from helhed.fasttrack.rules import organisation_covers
from helhed.registry.models import Citizen

CASE_FIELDS = ("id", "reference", "citizen_id", "benefit_area", "authority", "municipality_id", "status",
               "opened_on", "decided_on")


def _covers(organisation: Organisation, citizen_id, citizen_municipality_id: int, scope: str,
            today: datetime.date) -> bool:
    consents = ()
    if organisation.kind == OrganisationKind.USER_ORGANISATION:
        consents = list(Consent.objects.filter(citizen_id=citizen_id, organisation=organisation,
                                               revoked_at__isnull=True, valid_until__gte=today)
                        .only("scopes", "valid_from", "valid_until", "revoked_at"))
    return organisation_covers(
        is_municipality=organisation.is_municipality, organisation_municipality_id=organisation.municipality_id,
        citizen_municipality_id=citizen_municipality_id, consents=consents, scope=scope, today=today)


# The organisation's audit actor with its organisation label ready (no query per call);
# keyed by (user id, organisation name) and kept a minute, so a rename shows within a minute.
_ACTORS: dict[tuple[int, str], tuple[float, User]] = {}
ACTOR_CACHE_SECONDS = 60


def _audit_actor(organisation: Organisation) -> User:
    cache_key = (organisation.audit_actor_id, organisation.name)
    hit = _ACTORS.get(cache_key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    actor = User.objects.prefetch_related("municipalities").get(pk=organisation.audit_actor_id)
    _ACTORS[cache_key] = (time.monotonic() + ACTOR_CACHE_SECONDS, actor)
    return actor


def clear_actor_cache() -> None:
    _ACTORS.clear()


def _audit(key: ApiKey, citizen_id, what: str, purpose: str) -> None:
    record_read(actor=_audit_actor(key.organisation), citizen_uuids=[citizen_id],
                what=f"{what} (Kvik-linjen, {key.organisation.name}, nøgle {key.prefix}…)",
                purpose=purpose, channel="api")


@dataclass(frozen=True)
class CaseRow:
    reference: str
    benefit_area: str
    authority: str
    status: str
    opened_on: datetime.date
    decided_on: datetime.date | None

    def get_benefit_area_display(self) -> str:
        return _BENEFIT_LABELS.get(self.benefit_area, self.benefit_area)

    def get_status_display(self) -> str:
        return _STATUS_LABELS.get(self.status, self.status)


_BENEFIT_LABELS = dict(BenefitArea.choices)
_STATUS_LABELS = dict(CaseStatus.choices)
# The hot path of the Kvik-linje (a national client asks this all day): one indexed query
# for the citizen and their cases, raw so no ORM compilation is paid per call, and prepared
# (helhed.core.db) so PostgreSQL does not plan it on every call either.
_CASES_SQL = (
    "SELECT c.id, c.home_municipality_id, k.reference, k.benefit_area, k.authority, k.status, k.opened_on, "
    "k.decided_on FROM registry_citizen c LEFT JOIN casework_case k ON k.citizen_id = c.id "
    "WHERE c.cpr_index = %s ORDER BY k.opened_on DESC, k.reference"
)


def case_statuses(*, key: ApiKey, cpr: str, today: datetime.date) -> list[CaseRow]:
    """A covered citizen's cases, newest first. Raises ValidationError for a malformed CPR
    number and Http404 for an unknown or uncovered citizen (the same answer)."""
    number = parse_cpr(cpr, today=today).number
    with prepared_cursor() as cursor:
        cursor.execute(_CASES_SQL, [cpr_blind_index(number)])
        rows = cursor.fetchall()
    if not rows:
        raise Http404
    citizen_id = rows[0][0] if isinstance(rows[0][0], UUID) else UUID(rows[0][0])
    if not _covers(key.organisation, citizen_id, rows[0][1], ConsentScope.CASE_STATUS, today):
        raise Http404
    cases = [CaseRow(*row[2:]) for row in rows if row[2] is not None]
    _audit(key, citizen_id, f"Status på {len(cases)} sager", "Kvik-linje: status på borgerens sager")
    return cases


def _covered_case(key: ApiKey, reference: str, scope: str, today: datetime.date) -> Case:
    case = (Case.objects.filter(reference=reference.strip().upper())
            .select_related("citizen").only(*CASE_FIELDS, "citizen__home_municipality_id").first())
    if case is None or not _covers(key.organisation, case.citizen_id, case.citizen.home_municipality_id, scope, today):
        raise Http404
    return case


def case_by_reference(*, key: ApiKey, reference: str, today: datetime.date) -> Case:
    case = _covered_case(key, reference, ConsentScope.CASE_STATUS, today)
    _audit(key, case.citizen_id, f"Status på sag {case.reference}", "Kvik-linje: status på en sag")
    return case


def case_for_question(*, key: ApiKey, reference: str, today: datetime.date) -> Case:
    """The case a question is asked about (the question tells that the case exists)."""
    case = _covered_case(key, reference, ConsentScope.QUESTIONS, today)
    _audit(key, case.citizen_id, f"Spørgsmål om sag {case.reference}", "Kvik-linje: spørgsmål til Udbetaling Danmark")
    return case


def _covered_questions(key: ApiKey, today: datetime.date) -> QuerySet[Question]:
    qs = Question.objects.filter(organisation=key.organisation).select_related("case")
    org = key.organisation
    if org.is_municipality:
        return qs.filter(citizen__home_municipality_id=org.municipality_id)
    active = Consent.objects.filter(citizen_id=OuterRef("citizen_id"), organisation=org, revoked_at__isnull=True,
                                    valid_from__lte=today, valid_until__gte=today,
                                    scopes__contains=ConsentScope.QUESTIONS)
    return qs.filter(Exists(active))


def questions_for_key(*, key: ApiKey, today: datetime.date) -> list[Question]:
    """The organisation's questions about citizens it still covers, newest first. Answers
    are not in the list, so the list reads no citizen's data (no audit)."""
    return list(_covered_questions(key, today).order_by("-asked_at")[:200])


def question_for_key(*, key: ApiKey, question_id: UUID, today: datetime.date) -> Question:
    question = _covered_questions(key, today).filter(pk=question_id).first()
    if question is None:
        raise Http404
    _audit(key, question.citizen_id, f"Svar på spørgsmål om sag {question.case.reference}",
           "Kvik-linje: læse svar fra Udbetaling Danmark")
    return question


# Web pages ------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueRow:
    question: Question
    overdue: bool


def udk_queue(*, user: User, today: datetime.date, status: str = QuestionStatus.OPEN) -> list[QueueRow]:
    """Udbetaling Danmark's queue of Kvik-linje questions, earliest deadline first. Shows
    organisation, case reference and subject: no citizen's name, so no audit."""
    if not rules.has_perm("fasttrack.answer_questions", user):
        return []
    qs = Question.objects.filter(status=status).select_related("organisation", "case")
    qs = qs.order_by("due_on", "asked_at") if status == QuestionStatus.OPEN else qs.order_by("-answered_at")
    return [QueueRow(q, q.status == QuestionStatus.OPEN and q.due_on < today) for q in qs[:300]]


def question_detail(*, user: User, question_id: UUID) -> Question:
    """One question with its case and citizen, for Udbetaling Danmark (audited) or the
    asking organisation's staff (no citizen data shown)."""
    question = (Question.objects.select_related("organisation", "case", "citizen", "answered_by", "key")
                .filter(pk=question_id).first())
    if question is None or not rules.has_perm("fasttrack.view_question", user, question):
        raise Http404
    if rules.has_perm("fasttrack.answer_questions", user):
        record_read(actor=user, citizen_uuids=[question.citizen_id],
                    what=f"Kvik-linje-spørgsmål fra {question.organisation.name} om sag {question.case.reference}",
                    purpose="Kvik-linje: besvare spørgsmål", channel="web")
    return question


@dataclass(frozen=True)
class KeyRow:
    key: ApiKey
    calls_today: int
    calls_30_days: int


@dataclass(frozen=True)
class OrganisationPage:
    organisation: Organisation
    questions: list[Question]
    keys: list[KeyRow]


def organisation_pages(*, user: User, now: datetime.datetime, today: datetime.date) -> list[OrganisationPage]:
    """Each organisation the user works for: its questions (and answers) and its keys'
    usage. Shows no citizen's data (case references only), so no audit."""
    pages = []
    minute_now = int(now.timestamp()) // 60
    today_start = minute_now - (now.hour * 60 + now.minute)
    month_start = minute_now - 30 * 24 * 60
    for org in user.fasttrack_organisations.order_by("name"):
        keys = ApiKey.objects.filter(organisation=org).annotate(
            today=Sum("usage__calls", filter=Q(usage__minute__gte=today_start), default=0),
            month=Sum("usage__calls", filter=Q(usage__minute__gte=month_start), default=0),
        ).order_by("-created_at")
        questions = list(Question.objects.filter(organisation=org).select_related("case").order_by("-asked_at")[:100])
        pages.append(OrganisationPage(org, questions, [KeyRow(k, k.today, k.month) for k in keys]))
    return pages


def consents_for_citizen(*, citizen: Citizen) -> list[Consent]:
    return list(Consent.objects.filter(citizen=citizen).select_related("organisation").order_by("-valid_from"))


def consent_section(*, user, citizen, today):
    """The overview section: the citizen's consents to organisations on the Kvik-linje
    (shown to the citizen and to staff who serve the citizen). No audit: the overview
    audits once."""
    own = citizen.user_id is not None and citizen.user_id == getattr(user, "pk", None)
    if not own and not rules.has_perm("fasttrack.register_consent", user, citizen):
        return None
    consents = consents_for_citizen(citizen=citizen)
    if own and not consents:
        return None
    return {"consents": [(c, c.is_active(today)) for c in consents], "own": own, "citizen": citizen,
            "may_register": not own}


def usage_counts(key: ApiKey) -> int:
    return KeyUsage.objects.filter(key=key).aggregate(n=Sum("calls", default=0))["n"]

