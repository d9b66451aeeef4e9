"""A small outbox: messages to citizens are written in the same transaction as the change
they tell about (``queue``) and delivered afterwards by ``helhed send_outbox``
(``deliver``): e-mail through Django's e-mail backend, SMS through the adapter named by the
setting ``HELHED_BORGERSERVICE_SMS_ADAPTER`` (default: ``FileSmsAdapter``, which writes to
``var/sms-outbox.txt`` for development).

Delivery runs in core's one loop (``core.outbox``), which case letters share. A message
never carries a CPR number (``queue`` refuses).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string

from helhed.borgerservice.models import OutboxChannel, OutboxMessage, OutboxStatus
from helhed.core import outbox as core_outbox
from helhed.core.logging import CPR_SHAPE

DEFAULT_SMS_ADAPTER = "helhed.borgerservice.outbox.FileSmsAdapter"
DEFAULT_LETTER_ADAPTER = "helhed.borgerservice.outbox.FileLetterAdapter"


class SmsAdapter:
    """Send one SMS. Raise any exception to mark the attempt as failed."""

    def send(self, *, to: str, body: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class FileSmsAdapter(SmsAdapter):
    """For development: appends each SMS to ``var/sms-outbox.txt``."""

    def send(self, *, to: str, body: str) -> None:
        path = Path(settings.VAR_DIR) / "sms-outbox.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(f"--- til {to} ({timezone.now():%Y-%m-%d %H:%M})\n{body}\n")


class MemorySmsAdapter(SmsAdapter):
    """For tests: keeps the messages in a list."""

    sent: list[tuple[str, str]] = []

    def send(self, *, to: str, body: str) -> None:
        MemorySmsAdapter.sent.append((to, body))


class LetterAdapter:
    """Print and post one letter. Raise any exception to mark the attempt as failed."""

    def send(self, *, to: str, subject: str, body: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class FileLetterAdapter(LetterAdapter):
    """For development: appends each letter, with its postal address, to
    ``var/letter-outbox.txt`` for printing."""

    def send(self, *, to: str, subject: str, body: str) -> None:
        path = Path(settings.VAR_DIR) / "letter-outbox.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(f"--- til {to} ({timezone.now():%Y-%m-%d %H:%M})\n{subject}\n\n{body}\n")


def letter_adapter() -> LetterAdapter:
    return import_string(getattr(settings, "HELHED_BORGERSERVICE_LETTER_ADAPTER", DEFAULT_LETTER_ADAPTER))()


def sms_adapter() -> SmsAdapter:
    return import_string(getattr(settings, "HELHED_BORGERSERVICE_SMS_ADAPTER", DEFAULT_SMS_ADAPTER))()


def queue(*, channel: str, recipient: str, subject: str, body: str, key: str, appointment=None) -> OutboxMessage:
    """Queue one message; the same ``key`` twice queues it once. Refuses a CPR number."""
    if CPR_SHAPE.search(body) or CPR_SHAPE.search(subject):
        raise ValueError("En besked må aldrig indeholde et CPR-nummer.")
    message, _ = OutboxMessage.objects.get_or_create(
        idempotency_key=key[:100],
        defaults={"channel": channel, "recipient": recipient, "subject": subject, "body": body,
                  "appointment": appointment},
    )
    return message


def recipient_for(*, citizen=None, phone: str = "", email: str = "", letter: bool = False
                  ) -> tuple[str, str] | None:
    """Where to tell a citizen: SMS to a phone number first (it reaches those without
    e-mail or Digital Post), else e-mail; with ``letter``, else a letter to the registered
    postal address (a change the citizen must act on reaches them also without phone or
    e-mail); ``None`` when there is no way."""
    phone = phone or (citizen.phone if citizen else "")
    email = email or (citizen.email if citizen else "")
    if phone:
        return OutboxChannel.SMS, phone
    if email:
        return OutboxChannel.EMAIL, email
    if letter and citizen is not None and citizen.address_line and citizen.postcode:
        return OutboxChannel.LETTER, f"{citizen.full_name}, {citizen.address_line}, {citizen.postcode} {citizen.city}"
    return None


def _send(message: OutboxMessage) -> None:
    if message.channel == OutboxChannel.EMAIL:
        send_mail(message.subject, message.body, None, [message.recipient], fail_silently=False)
    elif message.channel == OutboxChannel.LETTER:
        letter_adapter().send(to=message.recipient, subject=message.subject, body=message.body)
    else:
        sms_adapter().send(to=message.recipient, body=message.body)


def deliver(*, now: datetime.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Deliver queued messages in core's one loop (``core.outbox.deliver``: never twice,
    failures retried, then failed). Returns counts by outcome."""
    now = now or timezone.now()

    def send(message: OutboxMessage) -> str:
        _send(message)
        message.status, message.sent_at = OutboxStatus.SENT, now
        return "sent"

    return core_outbox.deliver(OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).order_by("pk"), send,
                               outcomes=["sent"], fields=["sent_at"], limit=limit)
