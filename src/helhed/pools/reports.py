"""The dashboard as a PDF (WeasyPrint), from the same template body as the screen page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone


def dashboard_pdf(dashboard, *, title: str = "Fremdrift") -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time other pages do not need

    html = render_to_string("pools/dashboard_pdf.html", {"d": dashboard, "title": title,
                                                          "generated": timezone.localtime()})
    return HTML(string=html).write_pdf()


def kroner_med_oere(amount) -> str:
    """Danish money on a payment order, always with øre: 1.250,50 kr. and 150.000,00 kr."""
    text = f"{amount:,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") + " kr."


def payment_order_pdf(payout) -> bytes:
    """The payment order (udbetalingsordre) of one approved payout: who gets how much, for
    which tranche and milestone, the evidence and rule version it stands on, and the two
    officers who recommended and approved it."""
    from weasyprint import HTML

    batch = payout.batch
    html = render_to_string("pools/payment_order_pdf.html", {
        "payout": payout, "batch": batch, "pool": payout.tranche.pool, "amount": kroner_med_oere(payout.amount),
        "evidence": sorted(payout.evidence.items()), "generated": timezone.localtime()})
    return HTML(string=html).write_pdf()
