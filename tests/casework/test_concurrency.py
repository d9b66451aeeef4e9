"""Two senders running the outbox at the same moment on two database connections: every
letter is delivered exactly once (rows one sender holds are skipped by the other)."""

import time

import pytest
from django.db import connection

from helhed.casework import letters, outbox
from helhed.casework.models import CaseEvent, CaseStatus, EventKind, Letter, LetterStatus
from helhed.core.roles import Role
from tests.casework.conftest import NOW, case_in
from tests.concurrency import at_once
from tests.factories import UserFactory, make_citizen

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="concurrent connections need PostgreSQL (SQLite serialises writers)")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_senders_deliver_every_letter_once(monkeypatch):
    worker = UserFactory(role=Role.CASEWORKER, municipalities=[751])
    for i in range(6):
        citizen = make_citizen(first_name=f"Borger{i}", last_name="Samtidig",
                               user=UserFactory(role=Role.CITIZEN))
        case_in(CaseStatus.HEARING, citizen=citizen, actor=worker)  # a receipt and a hearing letter each
    rendered = []

    def slow_render(**kwargs):
        rendered.append(kwargs["subject"])
        time.sleep(0.05)  # long enough for the other sender to reach the same rows
        return b"%PDF-1.7"

    monkeypatch.setattr(letters, "render_pdf", slow_render)
    counts, errors = at_once(*[lambda: outbox.deliver(now=NOW)] * 2)
    assert not errors, errors
    assert len(counts) == 2
    assert sum(c["digital_post"] for c in counts) == 12
    assert all(c["digital_post"] > 0 for c in counts), counts  # both senders worked, on different letters
    assert len(rendered) == 12
    assert set(Letter.objects.values_list("status", "attempts")) == {(LetterStatus.DELIVERED, 1)}
    assert CaseEvent.objects.filter(kind=EventKind.LETTER).count() == 12
