"""One delivery loop for everything helhed sends after the fact: case letters
(``casework.outbox``) and the SMS, e-mails and letters of Borgerservice and the other
services (``borgerservice.outbox``).

Each message is written in the same transaction as the change it tells about (the outbox
pattern), with status "queued"; a later run delivers it. The loop gives every kind of
message the same guarantees:

- each row is locked while it is sent, and rows another sender holds are skipped (on
  PostgreSQL), so two senders running at once never send one message twice;
- only a row still queued is sent, so a message is never sent again once it is out;
- a failure is recorded (the error's class, never its text, which may hold personal data)
  and retried on the next run, up to ``MAX_ATTEMPTS``; then the row is marked failed and
  shown to staff, so it is never lost silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Model, QuerySet

MAX_ATTEMPTS = 5
QUEUED, FAILED = "queued", "failed"


def deliver(queued: QuerySet, send: Callable[[Model], str], *, outcomes: Iterable[str], fields: Iterable[str],
            limit: int) -> dict[str, int]:
    """Send up to ``limit`` rows of ``queued`` (rows with status "queued", in its order) one
    by one. ``send(row)`` delivers a row, sets its status and the ``fields`` it changes, and
    returns the name of the outcome (one of ``outcomes``); an exception is a failed attempt.
    Returns how many rows ended in each outcome, "retry" and "failed"."""
    counts = dict.fromkeys([*outcomes, "retry", "failed"], 0)
    skip = {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
    update_fields = ["attempts", "last_error", "status", *fields]
    for pk in list(queued.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            row = queued.select_for_update(of=("self",), **skip).filter(pk=pk).first()
            if row is None:
                continue  # another sender has it, or has delivered it
            row.attempts += 1
            try:
                outcome = send(row)
            except Exception as error:  # noqa: BLE001  (any failure is recorded and retried)
                row.last_error = type(error).__name__[:300]
                outcome = "failed" if row.attempts >= MAX_ATTEMPTS else "retry"
                if outcome == "failed":
                    row.status = FAILED
            row.save(update_fields=update_fields)
            counts[outcome] += 1
    return counts
