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

from helhed.casework import letterfacts
from helhed.casework.models import BenefitArea, LetterKind, deciding_authority
from helhed.core import pdf
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
    """Write a letter of ``kind`` from its template. ``context`` has the case's facts
    (``letterfacts.letter_context``: sender, benefit, complaint route, contact person);
    each template names what else it uses."""
    subject = SUBJECTS[kind].format(**context)
    body_html = render_to_string(f"casework/letters/{kind}.html", context | {"subject": subject})
    text = plain_text(body_html)
    return Composed(subject=subject, body_html=body_html, text=text,
                    lix=Decimal(str(round(lix(f"{subject}\n{text}"), 1))))


def render_pdf(*, subject: str, body_html: str, recipient: dict, written_on: datetime.date, reference: str,
               sender: str) -> bytes:
    """The letter as a tagged PDF (PDF/UA-1: headings, paragraphs and reading order are
    marked, so a screen reader reads it as the citizen sees it; A4, with the sender, the
    recipient's address, date and case number), in one font throughout."""
    return pdf.render("casework/letter_pdf.html", {
        "subject": subject, "body_html": body_html, "recipient": recipient, "written_on": written_on,
        "reference": reference, "sender": sender,
    })


_DAY = datetime.date(2026, 3, 2)


@dataclass(frozen=True)
class _DemoMunicipality:
    code: int
    name: str

    def __str__(self) -> str:
        return f"{self.name} Kommune"


@dataclass(frozen=True)
class DemoCase:
    """Enough of a case for ``letterfacts.letter_context``: the demo letters and the tests."""

    benefit_area: str
    authority: str
    municipality: _DemoMunicipality = _DemoMunicipality(751, "Aarhus")
    reference: str = "2026-ABCD2345"


def demo_case(benefit_area: str) -> DemoCase:
    return DemoCase(benefit_area=benefit_area, authority=deciding_authority(benefit_area))


# The case of each kind's demo letter: one from Udbetaling Danmark on a tax-free benefit,
# one from a municipality on a taxable one, as the letters really go.
DEMO_CASES: dict[str, DemoCase] = {
    LetterKind.RECEIPT: demo_case(BenefitArea.BOLIGSTOETTE),
    LetterKind.HEARING: demo_case(BenefitArea.KONTANTHJAELP),
    LetterKind.GRANTED: demo_case(BenefitArea.FOLKEPENSION),
    LetterKind.REFUSED: demo_case(BenefitArea.BOLIGSTOETTE),
    LetterKind.EFTERREGULERING: demo_case(BenefitArea.BOLIGSTOETTE),
    LetterKind.REPAYMENT: demo_case(BenefitArea.BOLIGSTOETTE),
    LetterKind.BACK_PAYMENT: demo_case(BenefitArea.KONTANTHJAELP),
    LetterKind.RECONSIDERED: demo_case(BenefitArea.BOLIGSTOETTE),
    LetterKind.COMPLAINT_FORWARDED: demo_case(BenefitArea.FOERTIDSPENSION),
    LetterKind.COMPLAINT_REJECTED: demo_case(BenefitArea.BOLIGSTOETTE),
}

# A demo letter of each kind: what the LIX test measures and what the demo shows. Each is
# the kind's own facts on top of its case's sender, benefit and complaint route.
_OWN: dict[str, dict] = {
    LetterKind.RECEIPT: {"received_on": _DAY},
    LetterKind.HEARING: {"deadline": _DAY, "facts": "Du har fået 12.000 kr. fra dit arbejde i januar."},
    LetterKind.GRANTED: {"monthly_amount": Decimal("7198.00"), "starts_on": _DAY, "method": "NemKonto"},
    LetterKind.REFUSED: {"reasons": "Din husstand tjener mere, end man må for at få støtte."},
    LetterKind.EFTERREGULERING: {"year": 2025, "difference": Decimal("-1250.00")},
    LetterKind.REPAYMENT: {"amount": Decimal("1250.00"), "due_on": _DAY, "reason": "Du fik for meget i støtte i 2025."},
    LetterKind.BACK_PAYMENT: {"amount": Decimal("27483.87"), "start": datetime.date(2025, 9, 15),
                              "end": datetime.date(2026, 1, 1), "whole_months": 3, "remaining_days": 17,
                              "monthly_rate": Decimal("7500.00"), "paid_on": _DAY, "method": "NemKonto"},
    LetterKind.RECONSIDERED: {"monthly_amount": Decimal("1850.00"), "starts_on": _DAY, "method": "din NemKonto",
                              "reasons": "Du har sendt din lejekontrakt. Den viser, at du bor alene."},
    LetterKind.COMPLAINT_FORWARDED: {"forwarded_on": _DAY,
                                     "reasons": "Lægen skriver, at du kan arbejde lidt hver uge med støtte."},
    LetterKind.COMPLAINT_REJECTED: {"received_on": _DAY, "deadline": datetime.date(2026, 2, 23),
                                    "reasons": "Du har ikke skrevet, hvorfor klagen kom for sent."},
}
DEMO_CONTEXT: dict[str, dict] = {kind: letterfacts.letter_context(DEMO_CASES[kind]) | own for kind, own in _OWN.items()}
