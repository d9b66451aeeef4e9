"""The dashboard as a PDF (WeasyPrint), from the same template body as the screen page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone


def dashboard_pdf(dashboard, *, title: str = "Fremdrift") -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time other pages do not need

    html = render_to_string("pools/dashboard_pdf.html", {"d": dashboard, "title": title,
                                                          "generated": timezone.localtime()})
    return HTML(string=html).write_pdf()
