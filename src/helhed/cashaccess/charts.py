"""The follow-up report's charts, drawn from the same ``Cell`` figures as the tables beside
them (``helhed.core.charts``). A suppressed figure gets no bar, only its text."""

from __future__ import annotations

from helhed.cashaccess.selectors import Cell, FollowUpReport
from helhed.core import charts


def _bars(items: list[tuple[str, Cell]]) -> list[charts.Bar]:
    return charts.scaled((label, cell.value, cell.label) for label, cell in items)


def for_report(report: FollowUpReport) -> dict[str, list[charts.Bar]]:
    current = report.current
    return {
        "by_kind": _bars([(row.label, row.cell) for row in current.citizens_by_kind]),
        "by_month": _bars([(row.label, row.cell) for row in current.handouts_by_month]),
        "by_municipality": _bars([(m.name, m.citizens) for m in current.municipalities]),
    }
