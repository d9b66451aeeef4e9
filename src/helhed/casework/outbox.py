"""The letter outbox: letters are written in the same transaction as the change they tell
about (``services.queue_letter``) and delivered afterwards by ``helhed send_letters``.

Delivery renders the PDF and puts the letter in the citizen's Digital Post (the "Digital
Post" page in self-service) or in the print queue (``policy.letter_channel``: paper when the
citizen is exempt from Digital Post or has no self-service login). Delivery runs in core's
one loop (``core.outbox``): a letter is never delivered twice, and a failure is retried and
then shown as failed in the print queue, so it is never lost.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from helhed.casework import letterfacts, letters, policy
from helhed.casework.models import EventKind, Letter, LetterChannel, LetterStatus
from helhed.casework.services import _record
from helhed.core import outbox as core_outbox
from helhed.core.calendar import local_date
from helhed.registry.models import DigitalPostExemption


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
    """Deliver queued letters, oldest first (``core.outbox.deliver``). Returns counts by outcome."""
    now = now or timezone.now()
    today = local_date(now)

    def send(letter: Letter) -> str:
        channel = channel_for(letter, today)
        letter.pdf = pdf_for(letter)
        letter.channel, letter.status, letter.delivered_at = channel, LetterStatus.DELIVERED, now
        _record(letter.case, EventKind.LETTER, on=today, actor=None,
                text=f"Brev sendt ({LetterChannel(channel).label}): {letter.subject}")
        return channel

    queued = (Letter.objects.filter(status=LetterStatus.QUEUED).order_by("created_at")
              .select_related("citizen", "case__municipality"))
    return core_outbox.deliver(queued, send, outcomes=LetterChannel.values, limit=limit,
                               fields=["channel", "pdf", "delivered_at"])


@transaction.atomic
def retry_failed(*, letter: Letter) -> Letter:
    """Put a failed letter back in the outbox (from the print queue page)."""
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.status == LetterStatus.FAILED:
        locked.status, locked.attempts, locked.last_error = LetterStatus.QUEUED, 0, ""
        locked.save(update_fields=["status", "attempts", "last_error"])
    return locked
