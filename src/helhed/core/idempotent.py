"""One way to insert a row that a form or an API call may send twice (a double click, a
retry): the row carries a unique ``idempotency_key``, and the second insert gets the row the
first one made instead of a duplicate (brief: "duplicate submissions ... each has a test")."""

from __future__ import annotations

from collections.abc import Callable

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
