"""The dashboard as a PDF (WeasyPrint), from the same template body as the screen page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone


def dashboard_pdf(dashboard, *, title: str = "Fremdrift") -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time other pages do not need

    html = render_to_string("pools/dashboard_pdf.html", {"d": dashboard, "title": title,
                                                          "generated": timezone.localtime()})
    return HTML(string=html).write_pdf()


def monthly_figures(*, pool, municipality_id: int, month):
    """A month's report: the dashboard as it stood at the end of the month, whatever day it is
    made (issue 17: a monthly report "computed including days after it" showed figures from
    the next month). Its months are the completed ones up to and including ``month``; the
    tranches paid or forfeited are those decided by the month's last day."""
    from helhed.pools import selectors

    return selectors.dashboard_figures(pool=pool, municipality_id=municipality_id, today=selectors.month_end(month),
                                       as_of_day=True)
