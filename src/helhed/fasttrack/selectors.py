"""Reads on the Kvik-linje. The API's reads decide coverage (``rules.organisation_covers``)
and write the read audit, so a handler cannot forget either. A refusal is ``Http404``:
the same answer as for a citizen or case that does not exist."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from uuid import UUID

import rules
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from helhed.casework.models import BenefitArea, Case, CaseStatus
from helhed.core.audit import record_read
from helhed.core.calendar import COPENHAGEN
from helhed.core.cpr import cpr_blind_index, parse_cpr
from helhed.core.db import prepared_cursor
from helhed.core.models import User
from helhed.core.roles import MUNICIPAL_ROLES
from helhed.core.rules import own_municipalities
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
from helhed.fasttrack.rules import on_kvik_linje, organisation_covers
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
    """A covered citizen's cases at Udbetaling Danmark (``rules.on_kvik_linje``), newest
    first; the municipality's own cases are never returned. Raises ValidationError for a malformed CPR
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
    cases = [CaseRow(*row[2:]) for row in rows if row[2] is not None and on_kvik_linje(row[4])]
    _audit(key, citizen_id, f"Status på {len(cases)} sager", "Kvik-linje: status på borgerens sager")
    return cases


def _covered_case(key: ApiKey, reference: str, scope: str, today: datetime.date) -> Case:
    case = (Case.objects.filter(reference=reference.strip().upper())
            .select_related("citizen").only(*CASE_FIELDS, "citizen__home_municipality_id").first())
    if case is None or not on_kvik_linje(case.authority) or not _covers(
            key.organisation, case.citizen_id, case.citizen.home_municipality_id, scope, today):
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
    about = f"sag {question.case.reference}" if question.case else "et forhold uden sag"
    _audit(key, question.citizen_id, f"Svar på spørgsmål om {about}",
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
                    what=f"Kvik-linje-spørgsmål fra {question.organisation.name} om "
                         f"{f'sag {question.case.reference}' if question.case else 'et forhold uden sag'}",
                    purpose="Kvik-linje: besvare spørgsmål", channel="web")
    return question


@dataclass(frozen=True)
class KeyRow:
    """A key's usage, every figure from the same counter rows (``KeyUsage``), so "calls
    today" and "last used" cannot disagree."""

    key: ApiKey
    calls_today: int
    calls_30_days: int
    last_used: datetime.datetime | None


@dataclass(frozen=True)
class OrganisationPage:
    organisation: Organisation
    questions: list[Question]
    keys: list[KeyRow]


def web_organisations(user: User) -> list[Organisation]:
    """The organisations a user works for on the web Kvik-linje: those they are a member of,
    and for municipal staff their municipalities' organisations."""
    orgs = Q(members=user)
    if user.role in MUNICIPAL_ROLES:
        orgs |= Q(kind=OrganisationKind.MUNICIPALITY, municipality_id__in=own_municipalities(user))
    return list(Organisation.objects.filter(orgs).distinct().order_by("name"))


def key_rows(*, organisation: Organisation, now: datetime.datetime) -> list[KeyRow]:
    """Each key's calls today (since midnight Danish time), in the last 30 days, and when it
    was last used (the latest minute with a call), all from the counter rows."""
    today_start = int(datetime.datetime.combine(now.astimezone(COPENHAGEN).date(), datetime.time(0),
                                                tzinfo=COPENHAGEN).timestamp()) // 60
    month_start = int(now.timestamp()) // 60 - 30 * 24 * 60
    keys = ApiKey.objects.filter(organisation=organisation).annotate(
        today=Sum("usage__calls", filter=Q(usage__minute__gte=today_start), default=0),
        month=Sum("usage__calls", filter=Q(usage__minute__gte=month_start), default=0),
        last_minute=Max("usage__minute"),
    ).order_by("-created_at")
    return [KeyRow(k, k.today, k.month, _minute_start(k.last_minute)) for k in keys]


def _minute_start(minute: int | None) -> datetime.datetime | None:
    if minute is None:
        return None
    return datetime.datetime.fromtimestamp(minute * 60, tz=datetime.UTC)


def organisation_pages(*, user: User, now: datetime.datetime, today: datetime.date) -> list[OrganisationPage]:
    """Each organisation the user works for: its questions (and answers) and its keys'
    usage. Shows no citizen's data (case references only), so no audit."""
    pages = []
    for org in web_organisations(user):
        questions = list(Question.objects.filter(organisation=org).select_related("case").order_by("-asked_at")[:100])
        pages.append(OrganisationPage(org, questions, key_rows(organisation=org, now=now)))
    return pages


@dataclass(frozen=True)
class KvikAccess:
    """Under what a user sees a citizen on the web Kvik-linje: a user organisation's active
    consent (``consent``) or the user's municipal scope (``municipality_id``)."""

    organisation: Organisation | None
    municipality_id: int | None
    may_see_status: bool
    may_ask: bool

    @property
    def label(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return f"kommune {self.municipality_id}"


def web_access(*, user: User, citizen: Citizen, today: datetime.date) -> KvikAccess | None:
    """How ``user`` may use the Kvik-linje for ``citizen``, or None.

    - Municipal staff: the citizen lives in a municipality they serve (lov om Udbetaling
      Danmark § 3 stk. 3; ``rules.organisation_covers`` for a municipality); status and
      questions both.
    - A user organisation's worker: an organisation they are a member of holds the citizen's
      active consent; what it covers decides status and/or questions (forvaltningsloven § 8).
    """
    if user.role in MUNICIPAL_ROLES and citizen.home_municipality_id in own_municipalities(user):
        org = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY,
                                          municipality_id=citizen.home_municipality_id).first()
        return KvikAccess(org, citizen.home_municipality_id, True, True)
    for org in user.fasttrack_organisations.filter(kind=OrganisationKind.USER_ORGANISATION).order_by("name"):
        consents = list(Consent.objects.filter(citizen=citizen, organisation=org, revoked_at__isnull=True))
        status = organisation_covers(is_municipality=False, organisation_municipality_id=None,
                                     citizen_municipality_id=citizen.home_municipality_id, consents=consents,
                                     scope=ConsentScope.CASE_STATUS, today=today)
        ask = organisation_covers(is_municipality=False, organisation_municipality_id=None,
                                  citizen_municipality_id=citizen.home_municipality_id, consents=consents,
                                  scope=ConsentScope.QUESTIONS, today=today)
        if status or ask:
            return KvikAccess(org, None, status, ask)
    return None


def find_citizen_for_kvik(*, user: User, cpr: str, today: datetime.date) -> Citizen:
    """The citizen with ``cpr`` whom ``user`` may see on the web Kvik-linje. Raises
    ValidationError for a malformed number and Http404 for one not found or not covered
    (the same answer, so a look-up tells nothing about citizens outside one's access)."""
    number = parse_cpr(cpr, today=today).number
    citizen = Citizen.objects.filter(cpr_index=cpr_blind_index(number)).first()
    if citizen is None or web_access(user=user, citizen=citizen, today=today) is None:
        raise Http404
    return citizen


@dataclass(frozen=True)
class KvikCitizenPage:
    citizen: Citizen
    access: KvikAccess
    cases: list[Case]
    questions: list[Question]


def kvik_citizen_page(*, user: User, citizen_id: UUID, today: datetime.date) -> KvikCitizenPage:
    """A covered citizen on the web Kvik-linje: their cases at Udbetaling Danmark (only
    those, ``rules.on_kvik_linje``) and the questions the user's organisation (or
    municipality) asked about them, with answers. Audited; Http404 when not covered."""
    citizen = Citizen.objects.filter(pk=citizen_id).first()
    access = web_access(user=user, citizen=citizen, today=today) if citizen is not None else None
    if access is None:
        raise Http404
    cases = []
    if access.may_see_status or access.may_ask:
        cases = [c for c in Case.objects.filter(citizen=citizen).order_by("-opened_on", "reference")
                 if on_kvik_linje(c.authority)]
    questions = Question.objects.filter(citizen=citizen).select_related("case", "organisation")
    if access.municipality_id is not None:
        questions = questions.filter(organisation__kind=OrganisationKind.MUNICIPALITY,
                                     organisation__municipality_id=access.municipality_id)
    else:
        questions = questions.filter(organisation=access.organisation)
    questions = list(questions.order_by("-asked_at")[:100])
    shown = f"{len(cases)} sager hos Udbetaling Danmark" if access.may_see_status else "sagsnumre"
    record_read(actor=user, citizen_uuids=[citizen.pk],
                what=f"Kvik-linjen ({access.label}): {shown} og {len(questions)} spørgsmål med svar",
                purpose="Kvik-linje: status og spørgsmål til Udbetaling Danmark", channel="web")
    return KvikCitizenPage(citizen, access, cases, questions)


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
    return {"consents": [(c, c.is_active(today)) for c in consents], "own": own, "citizen": citizen,
            "may_register": not own}


def usage_counts(key: ApiKey) -> int:
    return KeyUsage.objects.filter(key=key).aggregate(n=Sum("calls", default=0))["n"]

