"""Reads in core: the citizen's own read log."""

from __future__ import annotations

from django.db.models import QuerySet

from helhed.core.models import AuditRecord


def audit_log_for_citizen(*, citizen_uuid) -> QuerySet[AuditRecord]:
    """Every recorded read of one citizen's data, newest first."""
    return AuditRecord.objects.filter(citizen_uuid=citizen_uuid).order_by("-at", "-id")
