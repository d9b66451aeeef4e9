"""One way to insert a row that a form or an API call may send twice (a double click, a
retry): the row carries a unique ``idempotency_key``, and the second insert gets the row the
first one made instead of a duplicate (brief: "duplicate submissions ... each has a test")."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def insert_once(row: models.Model, *, then: Callable[[models.Model], object] | None = None
                ) -> tuple[models.Model, bool]:
    """Validate and insert ``row``; when its idempotency key is taken (the other post won),
    return the existing row. ``then(row)`` runs in the same transaction right after the
    insert (the case's event, the receipt), so the post that loses leaves nothing behind.
    Returns (row, created)."""
    row.full_clean(exclude=["idempotency_key"])
    try:
        with transaction.atomic():
            row.save(force_insert=True)
            if then is not None:
                then(row)
    except IntegrityError:
        key = row.idempotency_key
        existing = type(row).objects.filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing, False
    return row, True


def made_before(model: type[models.Model], key, *, message: str, **match) -> models.Model | None:
    """The row this form (its idempotency ``key``) has made already, or None when the key is
    new or empty. A key whose row belongs elsewhere (a field in ``match`` differs: another
    case, arrangement or service point) is refused with ``message``: the form was copied,
    and nothing is made from it."""
    existing = model.objects.filter(idempotency_key=key).first() if key else None
    if existing is not None and any(getattr(existing, name) != value for name, value in match.items()):
        raise ValidationError(message, code="key_reused")
    return existing
