"""Writes to cases and work queues. Each function is one use case and one transaction."""

from __future__ import annotations

import datetime
import secrets

from django.db import IntegrityError, transaction

from helhed.casework.models import Authority, Case, Task, deciding_authority
from helhed.core.models import User
from helhed.registry.models import Citizen

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


def new_reference(opened_on: datetime.date) -> str:
    """A case number people can read aloud: the year and eight random characters."""
    return f"{opened_on.year}-{''.join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))}"


def open_case(*, citizen: Citizen, benefit_area: str, opened_on: datetime.date, actor: User | None) -> Case:
    """Open a case for an application in ``benefit_area``, at the authority that decides it
    (``models.deciding_authority``), scoped to the citizen's home municipality."""
    for _ in range(5):
        try:
            with transaction.atomic():
                return Case.objects.create(
                    reference=new_reference(opened_on), citizen=citizen, benefit_area=benefit_area,
                    authority=deciding_authority(benefit_area), municipality_id=citizen.home_municipality_id,
                    opened_on=opened_on,
                )
        except IntegrityError:
            continue  # a reference drawn twice: draw again
    raise RuntimeError("could not draw a unique case reference")


def create_task(*, kind: str, title: str, citizen: Citizen | None = None, case: Case | None = None,
                municipality_id: int | None = None, authority: str = Authority.MUNICIPALITY,
                description: str = "", due_on: datetime.date | None = None, assigned_to: User | None = None,
                key: str | None = None) -> Task:
    """Put a task in a work queue. With ``key``, the same task is created once however often
    it is asked for (a retried request, a re-run job)."""
    values = dict(kind=kind, title=title, citizen=citizen, case=case, municipality_id=municipality_id,
                  authority=authority, description=description, due_on=due_on, assigned_to=assigned_to)
    if key is None:
        return Task.objects.create(**values)
    task, _ = Task.objects.get_or_create(idempotency_key=key[:100], defaults=values)
    return task
