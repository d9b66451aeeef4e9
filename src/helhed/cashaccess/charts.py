"""Charts as HTML/CSS bars (no JavaScript), drawn from the same ``Cell`` figures as the
tables beside them. A suppressed figure gets no bar."""

from __future__ import annotations

from dataclasses import dataclass

from helhed.cashaccess.selectors import Cell, FollowUpReport


@dataclass
class Bar:
    label: str
    cell: Cell
    width: int  # per cent of the widest bar


def bars(items: list[tuple[str, Cell]]) -> list[Bar]:
    top = max((cell.value or 0 for _, cell in items), default=0)
    return [Bar(label, cell, round(100 * (cell.value or 0) / top) if top else 0) for label, cell in items]


def for_report(report: FollowUpReport) -> dict[str, list[Bar]]:
    current = report.current
    return {
        "by_kind": bars([(row.label, row.cell) for row in current.citizens_by_kind]),
        "by_month": bars([(row.label, row.cell) for row in current.handouts_by_month]),
        "by_municipality": bars([(m.name, m.citizens) for m in current.municipalities]),
    }
