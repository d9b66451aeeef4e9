"""Letters to citizens: one template per kind (``templates/casework/letters/<kind>.html``),
written in plain Danish and measured by LIX (``helhed.core.lix``), rendered to PDF by
WeasyPrint from the same HTML.

``compose`` fixes a letter's text when the letter is written; ``render_pdf`` turns it into
a PDF when the outbox delivers it. ``DEMO_CONTEXT`` is each kind's demo letter: the tests
measure every one of them (LIX at most ``MAX_LIX``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.html import strip_tags

from helhed.casework.models import LetterKind
from helhed.core.lix import lix

MAX_LIX = 40

SUBJECTS = {
    LetterKind.RECEIPT: "Vi har fået din ansøgning",
    LetterKind.HEARING: "Vi vil høre dig, før vi afgør din sag",
    LetterKind.GRANTED: "Du får {benefit}",
    LetterKind.REFUSED: "Du får ikke {benefit}",
    LetterKind.EFTERREGULERING: "Vi har regnet din {benefit} efter for {year}",
    LetterKind.REPAYMENT: "Du skal betale penge tilbage",
    LetterKind.BACK_PAYMENT: "Du får penge efter din klage",
    LetterKind.RECONSIDERED: "Du får ret i din klage om {benefit}",
    LetterKind.COMPLAINT_FORWARDED: "Vi har sendt din klage til Ankestyrelsen",
    LetterKind.COMPLAINT_REJECTED: "Din klage kom for sent",
}

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(p|h\d|li|dt|dd|tr)>", re.IGNORECASE)


@dataclass(frozen=True)
class Composed:
    subject: str
    body_html: str
    text: str
    lix: Decimal


def plain_text(body_html: str) -> str:
    """The letter's words as the citizen reads them: each paragraph, heading and list item
    a line of its own (LIX counts a line as a sentence)."""
    text = strip_tags(_BR.sub("\n", _BLOCK_END.sub(lambda m: m.group(0) + "\n", body_html)))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def compose(kind: str, context: dict) -> Composed:
    """Write a letter of ``kind`` from its template. ``context`` has at least ``benefit``
    (the benefit's name, lower case); each template names what else it uses."""
    subject = SUBJECTS[kind].format(**context)
    body_html = render_to_string(f"casework/letters/{kind}.html", context | {"subject": subject})
    text = plain_text(body_html)
    return Composed(subject=subject, body_html=body_html, text=text,
                    lix=Decimal(str(round(lix(f"{subject}\n{text}"), 1))))


def render_pdf(*, subject: str, body_html: str, recipient: dict, written_on: datetime.date, reference: str,
               sender: str) -> bytes:
    """The letter as a PDF (A4, with the recipient's address, date and case number)."""
    from weasyprint import HTML  # imported here: loading Pango costs time other code does not need

    html = render_to_string("casework/letter_pdf.html", {
        "subject": subject, "body_html": body_html, "recipient": recipient, "written_on": written_on,
        "reference": reference, "sender": sender,
    })
    return HTML(string=html).write_pdf()


_DAY = datetime.date(2026, 3, 2)

# A demo letter of each kind: what the LIX test measures and what the demo shows.
DEMO_CONTEXT: dict[str, dict] = {
    LetterKind.RECEIPT: {"benefit": "boligstøtte", "authority": "Udbetaling Danmark", "received_on": _DAY,
                         "reference": "2026-ABCD2345"},
    LetterKind.HEARING: {"benefit": "kontanthjælp", "authority": "Aarhus Kommune", "deadline": _DAY,
                         "facts": "Du har fået 12.000 kr. fra dit arbejde i januar."},
    LetterKind.GRANTED: {"benefit": "folkepension", "authority": "Udbetaling Danmark",
                         "monthly_amount": Decimal("7198.00"), "starts_on": _DAY, "method": "NemKonto"},
    LetterKind.REFUSED: {"benefit": "boligstøtte", "authority": "Udbetaling Danmark",
                         "reasons": "Din husstand tjener mere, end man må for at få støtte."},
    LetterKind.EFTERREGULERING: {"benefit": "boligstøtte", "authority": "Udbetaling Danmark", "year": 2025,
                                 "difference": Decimal("-1250.00")},
    LetterKind.REPAYMENT: {"benefit": "boligstøtte", "authority": "Udbetaling Danmark",
                           "amount": Decimal("1250.00"), "due_on": _DAY,
                           "reason": "Du fik for meget i støtte i 2025."},
    LetterKind.BACK_PAYMENT: {"benefit": "kontanthjælp", "authority": "Aarhus Kommune",
                              "amount": Decimal("27483.87"), "start": datetime.date(2025, 9, 15),
                              "end": datetime.date(2026, 1, 1), "whole_months": 3, "remaining_days": 17,
                              "monthly_rate": Decimal("7500.00"), "paid_on": _DAY, "method": "NemKonto"},
    LetterKind.RECONSIDERED: {"benefit": "boligstøtte", "authority": "Udbetaling Danmark",
                              "monthly_amount": Decimal("1850.00"), "starts_on": _DAY, "method": "din NemKonto",
                              "reasons": "Du har sendt din lejekontrakt. Den viser, at du bor alene."},
    LetterKind.COMPLAINT_FORWARDED: {"benefit": "førtidspension", "authority": "Aarhus Kommune",
                                     "forwarded_on": _DAY,
                                     "reasons": "Lægen skriver, at du kan arbejde lidt hver uge med støtte."},
    LetterKind.COMPLAINT_REJECTED: {"benefit": "boligstøtte", "authority": "Udbetaling Danmark",
                                    "received_on": _DAY, "deadline": datetime.date(2026, 2, 23),
                                    "reasons": "Du har ikke skrevet, hvorfor klagen kom for sent."},
}
