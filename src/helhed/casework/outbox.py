"""The letter outbox: letters are written in the same transaction as the change they tell
about (``services.queue_letter``) and delivered afterwards by ``helhed send_letters``.

Delivery renders the PDF and puts the letter in the citizen's Digital Post (the "Digital
Post" page in self-service) or in the print queue (``policy.letter_channel``: paper when the
citizen is exempt from Digital Post or has no self-service login). Each letter is locked
while it is delivered (rows another sender holds are skipped on PostgreSQL) and only a
queued letter is delivered, so a letter is never delivered twice; a failure is retried on
the next run up to ``MAX_ATTEMPTS`` and then shown as failed in the print queue, so it is
never lost.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from helhed.casework import letterfacts, letters, policy
from helhed.casework.models import EventKind, Letter, LetterChannel, LetterStatus
from helhed.casework.services import _record
from helhed.core.calendar import local_date
from helhed.registry.models import DigitalPostExemption

MAX_ATTEMPTS = 5


def channel_for(letter: Letter, today: datetime.date) -> str:
    citizen = letter.citizen
    exempt = any(e.is_active(today) for e in DigitalPostExemption.objects.filter(citizen=citizen))
    return policy.letter_channel(exempt_from_digital_post=exempt, has_login=citizen.user_id is not None)


def recipient(citizen) -> dict:
    return {"name": citizen.full_name, "address_line": citizen.address_line, "postcode": citizen.postcode,
            "city": citizen.city}


def pdf_for(letter: Letter) -> bytes:
    """The letter's PDF: the one made at delivery, or (before delivery) made now."""
    if letter.pdf:
        return bytes(letter.pdf)
    return letters.render_pdf(subject=letter.subject, body_html=letter.body_html, recipient=recipient(letter.citizen),
                              written_on=letter.written_on, reference=letter.case.reference,
                              sender=letterfacts.sender_for(letter.case).header)


def deliver(*, now: datetime.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Deliver queued letters, oldest first. Returns counts by outcome."""
    now = now or timezone.now()
    today = local_date(now)
    counts = {"digital_post": 0, "print": 0, "retry": 0, "failed": 0}
    skip = {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
    ids = list(Letter.objects.filter(status=LetterStatus.QUEUED).order_by("created_at")
               .values_list("pk", flat=True)[:limit])
    for pk in ids:
        with transaction.atomic():
            letter = (Letter.objects.select_for_update(of=("self",), **skip)
                      .select_related("citizen", "case__municipality")
                      .filter(pk=pk, status=LetterStatus.QUEUED).first())
            if letter is None:
                continue  # another sender has it, or has delivered it
            letter.attempts += 1
            try:
                letter.channel = channel_for(letter, today)
                letter.pdf = pdf_for(letter)
            except Exception as error:  # noqa: BLE001  (any rendering failure is recorded and retried)
                letter.last_error = type(error).__name__[:300]
                letter.channel = ""
                if letter.attempts >= MAX_ATTEMPTS:
                    letter.status = LetterStatus.FAILED
                    counts["failed"] += 1
                else:
                    counts["retry"] += 1
            else:
                letter.status = LetterStatus.DELIVERED
                letter.delivered_at = now
                counts[letter.channel] += 1
                _record(letter.case, EventKind.LETTER, on=today, actor=None,
                        text=f"Brev sendt ({LetterChannel(letter.channel).label}): {letter.subject}")
            letter.save(update_fields=["attempts", "last_error", "status", "channel", "pdf", "delivered_at"])
    return counts


@transaction.atomic
def retry_failed(*, letter: Letter) -> Letter:
    """Put a failed letter back in the outbox (from the print queue page)."""
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.status == LetterStatus.FAILED:
        locked.status, locked.attempts, locked.last_error = LetterStatus.QUEUED, 0, ""
        locked.save(update_fields=["status", "attempts", "last_error"])
    return locked
