"""Writes on the Kvik-linje: organisations, keys, consents, questions and answers, and the
per-key call counter. Each function is one use case and one transaction."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from helhed.casework.models import Authority, Case, Task, TaskKind, TaskStatus
from helhed.casework.services import create_task, record_question
from helhed.core.calendar import local_date
from helhed.core.db import prepared_cursor
from helhed.core.models import Municipality, User
from helhed.core.roles import Role
from helhed.core.services import hash_token
from helhed.fasttrack.models import (
    ApiKey,
    Consent,
    ConsentChannel,
    ConsentKind,
    ConsentScope,
    KeyScope,
    Organisation,
    OrganisationKind,
    Question,
    QuestionStatus,
)
from helhed.fasttrack.rules import answer_deadline, on_kvik_linje
from helhed.registry.models import Citizen

KEY_PREFIX = "hlk_"  # noqa: S105  (a marker telling organisation keys from user tokens, not a secret)
DEFAULT_KEY_DAYS = 365


def new_audit_actor(*, name: str, kind: str, municipality_id: int | None, is_demo: bool = False) -> User:
    """The inactive user that names an organisation's API clients in the read audit (it
    cannot log in and holds no token): "Kvik-linjen (API), <role>, <organisation>"."""
    actor = User(username=f"kvik-linje-{secrets.token_hex(6)}", first_name="Kvik-linjen (API)",
                 role=Role.CASEWORKER if kind == OrganisationKind.MUNICIPALITY else Role.USERORG_MEMBER,
                 organisation=name, is_active=False, is_demo=is_demo)
    actor.set_unusable_password()
    actor.save()
    if municipality_id is not None:
        actor.municipalities.set([municipality_id])
    return actor


def check_organisation(*, name: str, kind: str, municipality_id: int | None) -> None:
    """A municipality's organisation names its municipality; names are unique."""
    if kind == OrganisationKind.MUNICIPALITY and municipality_id is None:
        raise ValidationError({"municipality": "En kommune skal have en kommunekode."})
    if Organisation.objects.filter(name=name).exists():
        raise ValidationError({"name": "Der findes allerede en organisation med det navn."})


@transaction.atomic
def create_organisation(*, name: str, kind: str, municipality_id: int | None = None,
                        is_demo: bool = False) -> Organisation:
    """Register an organisation with the inactive user that names it in the read audit."""
    check_organisation(name=name, kind=kind, municipality_id=municipality_id)
    if kind != OrganisationKind.MUNICIPALITY:
        municipality_id = None
    actor = new_audit_actor(name=name, kind=kind, municipality_id=municipality_id, is_demo=is_demo)
    return Organisation.objects.create(name=name, kind=kind, municipality_id=municipality_id, audit_actor=actor)


def _clean_scopes(scopes, allowed) -> str:
    unknown = [s for s in scopes if s not in allowed]
    if unknown or not scopes:
        raise ValidationError({"scopes": f"Vælg mindst én af: {', '.join(allowed)}."})
    return " ".join(dict.fromkeys(scopes))


def new_secret() -> tuple[str, str, str]:
    """(secret, prefix, hash) for a new key (``create_key``)."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    return secret, secret[len(KEY_PREFIX): len(KEY_PREFIX) + 8], hash_token(secret)


def clean_scopes(scopes, allowed=KeyScope.values) -> str:
    return _clean_scopes(list(scopes), allowed)


def check_expiry(expires_at: datetime.datetime, *, now: datetime.datetime | None = None) -> None:
    """A key's expiry must lie ahead: a key born expired is a mistake, not a key."""
    if expires_at <= (now or timezone.now()):
        raise ValidationError({"expires_at": "Nøglen skal udløbe på et tidspunkt efter nu."})


@transaction.atomic
def create_key(*, organisation: Organisation, name: str, scopes, days: int | None = None,
               expires_at: datetime.datetime | None = None, rate_limit_per_minute: int = 120,
               actor: User | None = None, now: datetime.datetime | None = None) -> tuple[ApiKey, str]:
    """Issue a key (from the admin, the ``fasttrack`` command and the demo alike). It
    expires ``days`` from now, or at ``expires_at``, which must lie ahead. Returns the stored
    key and the secret, which is shown once and never stored (only its SHA-256 hash is)."""
    now = now or timezone.now()
    if expires_at is not None:
        check_expiry(expires_at, now=now)
    expires_at = expires_at or now + datetime.timedelta(days=days or DEFAULT_KEY_DAYS)
    secret, prefix, key_hash = new_secret()
    key = ApiKey.objects.create(
        organisation=organisation, name=name, prefix=prefix, key_hash=key_hash,
        scopes=_clean_scopes(list(scopes), KeyScope.values), rate_limit_per_minute=rate_limit_per_minute,
        created_at=now, created_by=actor, expires_at=expires_at,
    )
    return key, secret


def revoke_key(*, key: ApiKey, now: datetime.datetime | None = None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = now or timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


_KEY_COLUMNS = ("id", "organisation_id", "name", "prefix", "scopes", "rate_limit_per_minute", "expires_at",
                "revoked_at")  # in the model's field order, for ApiKey.from_db
_KEY_SQL = (
    "SELECT k.id, k.organisation_id, k.name, k.prefix, k.scopes, k.rate_limit_per_minute, k.expires_at, "
    "k.revoked_at, o.name AS org_name, o.kind AS org_kind, o.municipality_id AS org_municipality, "
    "o.audit_actor_id AS org_actor FROM fasttrack_apikey k "
    "JOIN fasttrack_organisation o ON o.id = k.organisation_id WHERE k.key_hash = %s"
)


# On PostgreSQL the key is found and the call counted in one statement: one round trip on
# every call's path instead of two. The counter commits without waiting for the disk (see
# _COUNT_SQL_POSTGRESQL below).
_KEY_AND_COUNT_SQL_POSTGRESQL = (
    "WITH async AS (SELECT set_config('synchronous_commit', 'off', true)), "  # noqa: S608  (constants only)
    f"found AS ({_KEY_SQL}), "
    "counted AS (INSERT INTO fasttrack_keyusage (key_id, minute, calls) SELECT found.id, %s, 1 FROM found, async "
    "ON CONFLICT (key_id, minute) DO UPDATE SET calls = fasttrack_keyusage.calls + 1 RETURNING calls) "
    "SELECT found.*, counted.calls FROM found LEFT JOIN counted ON true"
)


def authenticate_call(secret: str, *, now: datetime.datetime) -> tuple[ApiKey | None, int | None]:
    """The usable key behind ``secret`` with its organisation (or None), and None or the
    seconds until the call may be repeated (the Retry-After) when it is over the key's
    per-minute limit.

    Every call made with a known key is counted, also one refused because the key is revoked
    or expired, so a key's statistics show who still tries it. The counter rows are the
    key's only usage record: calls today, in 30 days and "last used" are all read from them
    (``selectors.key_rows``), so they cannot disagree."""
    if not secret.startswith(KEY_PREFIX):
        return None, None
    if connection.vendor == "postgresql" and connection.get_autocommit():
        with prepared_cursor() as cursor:
            cursor.execute(_KEY_AND_COUNT_SQL_POSTGRESQL, [hash_token(secret), _minute(now)])
            row = cursor.fetchone()
        key, retry_after = None, None
        if row is not None:
            key = ApiKey.from_db(connection.alias, _KEY_COLUMNS, row[:len(_KEY_COLUMNS)])
            key.org_name, key.org_kind, key.org_municipality, key.org_actor, calls = row[len(_KEY_COLUMNS):]
            retry_after = _retry_after(key, calls, now)
    else:
        key = next(iter(ApiKey.objects.raw(_KEY_SQL, [hash_token(secret)])), None)
        retry_after = count_call(key=key, now=now) if key is not None else None
    if key is None or not key.is_usable(now):
        return None, None
    key.organisation = Organisation(id=key.organisation_id, name=key.org_name, kind=key.org_kind,
                                    municipality_id=key.org_municipality, audit_actor_id=key.org_actor)
    return key, retry_after


def _minute(now: datetime.datetime) -> int:
    return int(now.timestamp()) // 60


def _retry_after(key: ApiKey, calls: int, now: datetime.datetime) -> int | None:
    return 60 - int(now.timestamp()) % 60 if calls > key.rate_limit_per_minute else None


_COUNT_SQL = (
    "INSERT INTO fasttrack_keyusage (key_id, minute, calls) VALUES (%s, %s, 1) "
    "ON CONFLICT (key_id, minute) DO UPDATE SET calls = fasttrack_keyusage.calls + 1 RETURNING calls"
)
# On PostgreSQL the counter's own transaction commits without waiting for the disk
# (synchronous_commit off, set for this one statement's transaction): a crash can lose the
# last fraction of a second of counts, which a rate limit can afford, and each call then
# waits for one disk flush (its audit record) instead of two.
_COUNT_SQL_POSTGRESQL = (
    "WITH async AS (SELECT set_config('synchronous_commit', 'off', true)) "
    "INSERT INTO fasttrack_keyusage (key_id, minute, calls) SELECT %s, %s, 1 FROM async "
    "ON CONFLICT (key_id, minute) DO UPDATE SET calls = fasttrack_keyusage.calls + 1 RETURNING calls"
)


def count_call(*, key: ApiKey, now: datetime.datetime) -> int | None:
    """Count one call against the key's per-minute limit. Returns None when allowed, else
    the seconds until the minute ends (the Retry-After).

    One upsert on a row shared by every server process (the database is the shared store),
    so the limit holds however many processes serve the API; the same rows are the key's
    usage statistics.
    """
    asynchronous = connection.vendor == "postgresql" and connection.get_autocommit()
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL_POSTGRESQL if asynchronous else _COUNT_SQL, [key.pk, _minute(now)])
        return _retry_after(key, cursor.fetchone()[0], now)


@transaction.atomic
def register_consent(*, citizen: Citizen, organisation: Organisation, kind: str, scopes, valid_from: datetime.date,
                     valid_until: datetime.date, actor: User) -> Consent:
    """Record a citizen's consent or power of attorney for a user organisation (registered
    by municipal or Udbetaling Danmark staff who have seen it)."""
    if organisation.kind != OrganisationKind.USER_ORGANISATION:
        raise ValidationError({"organisation": "Samtykke gives til en brugerorganisation. En kommune kan allerede "
                                               "slå sine egne borgere op."})
    if kind not in ConsentKind.values:
        raise ValidationError({"kind": "Vælg samtykke eller fuldmagt."})
    if valid_until < valid_from:
        raise ValidationError({"valid_until": "Slutdatoen skal ligge efter startdatoen."})
    return Consent.objects.create(citizen=citizen, organisation=organisation, kind=kind,
                                  scopes=_clean_scopes(list(scopes), ConsentScope.values), valid_from=valid_from,
                                  valid_until=valid_until, registered_by=actor, given_via=ConsentChannel.PAPER)


# Ours: a consent given in self-service lasts at most this long; the citizen can give it again.
SELF_SERVICE_CONSENT_MAX_DAYS = 2 * 365


@transaction.atomic
def give_consent(*, citizen: Citizen, organisation: Organisation, scopes, valid_until: datetime.date,
                 actor: User, today: datetime.date) -> Consent:
    """The citizen gives a user organisation consent in self-service, from today to
    ``valid_until`` (at most ``SELF_SERVICE_CONSENT_MAX_DAYS``, ours), after logging in with
    MitID (forvaltningsloven § 8: a party may let others assist; seed 004). Only the citizen
    themself: a representative cannot give consent on the citizen's behalf here. A consent
    to the same organisation still in force is replaced (revoked) by the new one, so the
    citizen's list shows one consent per organisation. The same consent given twice on one
    day (a double click) returns the first."""
    if citizen.user_id is None or citizen.user_id != actor.pk:
        raise ValidationError("Du kan kun give samtykke for dig selv.")
    if organisation.kind != OrganisationKind.USER_ORGANISATION:
        raise ValidationError({"organisation": "Vælg en brugerorganisation. Din kommune kan allerede hjælpe dig "
                                               "med dine sager hos Udbetaling Danmark."})
    if valid_until < today:
        raise ValidationError({"valid_until": "Slutdatoen må ikke ligge før i dag."})
    if valid_until > today + datetime.timedelta(days=SELF_SERVICE_CONSENT_MAX_DAYS):
        raise ValidationError({"valid_until": f"Et samtykke kan højst gælde i {SELF_SERVICE_CONSENT_MAX_DAYS // 365} "
                                              "år. Du kan give det igen, når det udløber."})
    clean = _clean_scopes(list(scopes), ConsentScope.values)
    in_force = Consent.objects.filter(citizen=citizen, organisation=organisation, revoked_at__isnull=True,
                                      valid_until__gte=today)
    same = in_force.filter(valid_from=today, valid_until=valid_until, given_via=ConsentChannel.SELF_SERVICE,
                           registered_by=actor).order_by("-pk").first()
    if same is not None and sorted(same.scopes.split()) == sorted(clean.split()):
        return same  # the same consent given twice today (a double click): one consent
    in_force.update(revoked_at=timezone.now(), revoked_by=actor)
    return Consent.objects.create(citizen=citizen, organisation=organisation, kind=ConsentKind.CONSENT,
                                  scopes=clean, valid_from=today, valid_until=valid_until, registered_by=actor,
                                  given_via=ConsentChannel.SELF_SERVICE)


def revoke_consent(*, consent: Consent, actor: User, now: datetime.datetime | None = None) -> Consent:
    """Revoke a consent from now on (what was read under it stays in the log)."""
    updated = Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), revoked_by=actor)
    consent.refresh_from_db()
    if not updated:
        raise ValidationError("Samtykket er allerede tilbagekaldt.")
    return consent


def _check_question(*, case: Case | None, citizen: Citizen, subject: str, body: str) -> tuple[str, str]:
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ValidationError("Skriv både emne og spørgsmål.")
    if case is not None:
        if not on_kvik_linje(case.authority):
            raise ValidationError({"case": "Kvik-linjen er til sager hos Udbetaling Danmark. Sagen er kommunens: "
                                           "spørg kommunen direkte."})
        if case.citizen_id != citizen.pk:
            raise ValidationError({"case": "Sagen er ikke borgerens."})
    return subject, body


def _queue_question(*, organisation: Organisation, key: ApiKey | None, case: Case | None, citizen: Citizen,
                    subject: str, body: str, now: datetime.datetime, idempotency_key: str = "",
                    title_prefix: str = "Kvik-linje", description: str = "") -> Question:
    """Create the question and its task in Udbetaling Danmark's work queue, due
    ``rules.answer_deadline`` business days after today (Danish calendar)."""
    due_on = answer_deadline(local_date(now))
    question = Question.objects.create(
        organisation=organisation, key=key, case=case, citizen=citizen, subject=subject[:200], body=body,
        asked_at=now, due_on=due_on, idempotency_key=idempotency_key[:100])
    question.task = create_task(
        kind=TaskKind.QUESTION, authority=Authority.UDK, title=f"{title_prefix}: {subject[:150]}",
        citizen=citizen, case=case,
        municipality_id=case.municipality_id if case is not None else citizen.home_municipality_id,
        description=description or f"Spørgsmål fra {organisation.name}.", due_on=due_on,
        key=f"fasttrack:{question.pk}")
    question.save(update_fields=["task"])
    return question


def ask_question(*, key: ApiKey, case: Case | None, subject: str, body: str, idempotency_key: str = "",
                 citizen: Citizen | None = None, now: datetime.datetime | None = None) -> tuple[Question, bool]:
    """Put a question about a Udbetaling Danmark ``case`` (or, with ``citizen`` and no case,
    about the citizen's matter at Udbetaling Danmark) in Udbetaling Danmark's queue with its
    answer deadline (``rules.answer_deadline``). A municipality's own case is refused
    (``rules.on_kvik_linje``). The same ``idempotency_key`` from the same organisation gives
    the same question once. Returns (question, created)."""
    now = now or timezone.now()
    organisation = key.organisation
    citizen = case.citizen if case is not None else citizen
    if citizen is None:
        raise ValidationError("Vælg en sag eller en borger.")
    subject, body = _check_question(case=case, citizen=citizen, subject=subject, body=body)
    if idempotency_key:
        existing = Question.objects.filter(organisation=organisation, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            question = _queue_question(organisation=organisation, key=key, case=case, citizen=citizen,
                                       subject=subject, body=body, now=now, idempotency_key=idempotency_key)
    except IntegrityError:
        # The same idempotency key arrived twice at once: the first one won.
        existing = Question.objects.filter(organisation=organisation, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False
    return question, True


@transaction.atomic
def ask_on_web(*, actor: User, access, citizen: Citizen, case: Case | None, subject: str,
               body: str, now: datetime.datetime | None = None) -> Question:
    """A user organisation's worker or a municipal caseworker asks Udbetaling Danmark on the
    web Kvik-linje, about one of the citizen's Udbetaling Danmark cases or (no ``case``) about
    a matter at Udbetaling Danmark. ``access`` (``selectors.web_access``) says under what the
    user sees the citizen; it must allow questions. The question is the user organisation's
    or the municipality's (its organisation registered here the first time), and the task in
    Udbetaling Danmark's queue names the asker."""
    now = now or timezone.now()
    if access is None or not access.may_ask:
        raise ValidationError("Du kan ikke stille spørgsmål om denne borger via Kvik-linjen.")
    subject, body = _check_question(case=case, citizen=citizen, subject=subject, body=body)
    organisation = access.organisation
    if organisation is None:
        organisation = municipality_organisation(Municipality.objects.get(pk=access.municipality_id))
    asker = actor.get_full_name() or actor.get_username()
    return _queue_question(organisation=organisation, key=None, case=case, citizen=citizen, subject=subject,
                           body=body, now=now, description=f"Spørgsmål fra {asker}, {organisation.name}.")


def municipality_organisation(municipality) -> Organisation:
    """The municipality's Kvik-linje organisation, registered the first time it is needed."""
    organisation = Organisation.objects.filter(municipality_id=municipality.pk).first()
    if organisation is None:
        organisation = create_organisation(name=str(municipality), kind=OrganisationKind.MUNICIPALITY,
                                           municipality_id=municipality.pk)
    return organisation


@transaction.atomic
def answer_question(*, question: Question, answer: str, actor: User,
                    now: datetime.datetime | None = None) -> Question:
    """Udbetaling Danmark's answer. An answered question cannot be answered again."""
    now = now or timezone.now()
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": "Skriv et svar."})
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != QuestionStatus.OPEN:
        raise ValidationError("Spørgsmålet er allerede besvaret.")
    question.answer, question.answered_at, question.answered_by = answer, now, actor
    question.status = QuestionStatus.ANSWERED
    question.save(update_fields=["answer", "answered_at", "answered_by", "status"])
    if question.task_id:
        Task.objects.filter(pk=question.task_id, status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, done_at=now, done_by=actor)
    return question


@transaction.atomic
def ask_about_case(*, actor: User, case: Case, subject: str, body: str,
                   now: datetime.datetime | None = None) -> Question:
    """The municipal contact person of a citizen with special needs asks Udbetaling Danmark
    about the citizen's case from the case page. Source: lov om Udbetaling Danmark § 3
    stk. 3 (the municipality handles contact with Udbetaling Danmark on the citizen's
    behalf); seed 004 (the Kvik-linje for municipalities). The question is asked as the
    municipality's Kvik-linje organisation (registered here if it is not yet), lands in
    Udbetaling Danmark's Kvik-linje queue and work queue with the usual answer deadline,
    and is marked in the case's timeline with the asker's name. Who may ask:
    ``casework.rules.may_ask_udk``."""
    now = now or timezone.now()
    subject, body = _check_question(case=case, citizen=case.citizen, subject=subject, body=body)
    organisation = municipality_organisation(case.municipality)
    asker = actor.get_full_name() or actor.get_username()
    question = _queue_question(organisation=organisation, key=None, case=case, citizen=case.citizen,
                               subject=subject, body=body, now=now, title_prefix="Spørgsmål fra kontaktperson",
                               description=f"Spørgsmål fra {asker}, kontaktperson i {organisation.name}.")
    record_question(case=case, actor=actor, on=local_date(now), subject=subject[:200])
    return question
