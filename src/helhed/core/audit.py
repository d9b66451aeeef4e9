"""The read audit: every view or API call that returns a citizen's personal data calls
``record_read`` before it answers. Records are append-only (see ``AuditRecord``)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.utils import timezone

from helhed.core.middleware import current_request_id
from helhed.core.models import AuditRecord, User


def record_read(
    *,
    actor: User,
    citizen_uuids: Iterable[UUID],
    what: str,
    purpose: str,
    channel: str,
    also: Iterable[tuple[UUID, str]] = (),
) -> int:
    """Write one audit record per citizen read, in one insert. ``also`` adds reads of other
    citizens (uuid, what) made by the same request. A citizen read in more than one way
    (say as the applicant and as another's representative) still gets one record, whose
    ``what`` names every way, so that one shown person is one entry in their read log.
    Returns how many were written."""
    whats: dict[UUID, list[str]] = {}
    for citizen_uuid, citizen_what in [*((u, what) for u in citizen_uuids), *also]:
        seen = whats.setdefault(citizen_uuid, [])
        if citizen_what not in seen:
            seen.append(citizen_what)
    now = timezone.now()
    name = actor.get_full_name() or actor.get_username()
    organisation = actor.organisation_label()
    request_id = current_request_id()
    records = [
        AuditRecord(
            at=now,
            actor=actor,
            actor_name=name,
            actor_role=actor.role,
            actor_organisation=organisation,
            citizen_uuid=citizen_uuid,
            what=_fit("; ".join(citizen_whats)),
            purpose=purpose,
            channel=channel,
            request_id=request_id,
        )
        for citizen_uuid, citizen_whats in whats.items()
    ]
    if not records:
        return 0
    if len(records) == 1:
        # One row is one statement, atomic by itself: bulk_create would wrap it in a
        # transaction and pay two more round trips (BEGIN, COMMIT) on every audited read.
        records[0].save(force_insert=True)
    else:
        AuditRecord.objects.bulk_create(records)
    return len(records)


def _fit(what: str) -> str:
    """The record's ``what`` holds 200 characters; several ways of reading can name more."""
    limit = AuditRecord._meta.get_field("what").max_length
    return what if len(what) <= limit else what[: limit - 1] + "…"
