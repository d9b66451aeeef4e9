"""Small-count suppression (diskretionering) of every aggregate the pools publish: the export
summary, the dashboard and its PDF, the monthly report, the national view and the overview.

``suppress_small_counts`` is the rule; ``suppress_table`` applies it to a table with row and
column totals. A hidden count is ``None`` and is published as ".." (as Danmarks Statistik
marks a suppressed cell), never as a number.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings

SMALL_COUNT_THRESHOLD = 5


def small_count_threshold() -> int:
    """The threshold in force: the setting ``POOLS_SMALL_COUNT_THRESHOLD``, 5 by default."""
    return int(getattr(settings, "POOLS_SMALL_COUNT_THRESHOLD", SMALL_COUNT_THRESHOLD))


def suppress_small_counts(values: dict[Hashable, int], lines: Sequence[tuple[Sequence[Hashable], Hashable]], *,
                          threshold: int = SMALL_COUNT_THRESHOLD) -> set[Hashable]:
    """The keys of ``values`` that must be hidden so no count below ``threshold`` can be read
    or derived from the totals.

    Source: issue 17 ("Every aggregate ... suppresses counts below 5 so that no cell can be
    derived from totals"); the practice of Danmarks Statistik for published tables (primary
    and secondary suppression). ``threshold`` is our parameter, 5 by default.

    ``lines`` are the sums the reader can see: (members, total), meaning the members add up
    to the total (a row and its row total, a column and the national total, a count and its
    complement, e.g. resolved + not resolved = gross target group).

    - Primary: every count from 1 to ``threshold`` - 1 is hidden. A zero is shown (it says
      nothing about a person that the total does not; our reading).
    - Secondary: a line with exactly one hidden value would let a reader derive it from the
      others, so one more is hidden: the smallest non-zero member still shown (hiding a zero
      would reveal nothing, since the two hidden values would still add up to the first);
      when there is none, the line's total. This is repeated until no line has exactly one
      hidden value, since a value hidden in one line may be the only hidden one in another.
    - Audit: a small count can still follow from several lines together (in a table, the
      row and column sums combined). So the hidden set is checked exactly: while a small
      count is determined by the shown figures (``_determined``), one more value is hidden,
      the smallest non-zero one still shown on a line through that count, and the lines are
      checked again.
    """
    primary = {k for k, v in values.items() if 0 < v < threshold}
    hidden = set(primary)
    while True:
        _one_hidden_per_line(values, lines, hidden)
        leaked = sorted(primary & _determined(lines, hidden), key=repr)
        if not leaked:
            return hidden
        through = [k for members, total in lines if leaked[0] in (*members, total) for k in (*members, total)]
        shown = ([k for k in through if k not in hidden and values[k] > 0]
                 or [k for k in values if k not in hidden and values[k] > 0])
        if not shown:
            return hidden
        hidden.add(min(shown, key=lambda k: (values[k], repr(k))))


def _one_hidden_per_line(values, lines, hidden: set) -> None:
    """Secondary suppression line by line: no line keeps exactly one hidden value."""
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            if sum(k in hidden for k in (*members, total)) != 1:
                continue
            shown = [k for k in members if k not in hidden and values[k] > 0]
            pick = min(shown, key=lambda k: (values[k], repr(k))) if shown else total
            if pick not in hidden:
                hidden.add(pick)
                changed = True


def _determined(lines, hidden: set) -> set:
    """The hidden values that the lines fix exactly, whatever the other hidden values are.

    Each line is a linear equation in the hidden values (the shown ones are constants). A
    hidden value is fixed when its unit vector lies in the span of the equations; in reduced
    row echelon form that is exactly when some row has its only non-zero entry there.
    Exact arithmetic (``Fraction``), so no rounding can hide a leak.
    """
    order = sorted(hidden, key=repr)
    index = {k: i for i, k in enumerate(order)}
    rows = []
    for members, total in lines:
        row: dict[int, Fraction] = {}
        for k, sign in [*((m, 1) for m in members), (total, -1)]:
            if k in index:
                row[index[k]] = row.get(index[k], Fraction(0)) + sign
        row = {i: v for i, v in row.items() if v}
        if row:
            rows.append(row)
    reduced: list[dict[int, Fraction]] = []
    for row in rows:
        for pivot_row in reduced:
            pivot = min(pivot_row)
            if pivot in row:
                factor = row[pivot]
                for i, v in pivot_row.items():
                    row[i] = row.get(i, Fraction(0)) - factor * v
                row = {i: v for i, v in row.items() if v}
        if not row:
            continue
        pivot = min(row)
        lead = row[pivot]
        row = {i: v / lead for i, v in row.items()}
        for other in reduced:
            if pivot in other:
                factor = other[pivot]
                for i, v in row.items():
                    other[i] = other.get(i, Fraction(0)) - factor * v
                for i in [i for i, v in other.items() if not v]:
                    del other[i]
        reduced.append(row)
    return {order[i] for row in reduced if len(row) == 1 for i in row}


@dataclass
class SuppressedTable:
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


def suppress_table(cells: Sequence[Sequence[int]], *, row_totals: Sequence[int] | None = None,
                   threshold: int = SMALL_COUNT_THRESHOLD) -> SuppressedTable:
    """``suppress_small_counts`` on a table whose cells add up to their row totals (given,
    or the row sums) and whose columns add up to the column totals and the grand total (the
    national figures). A hidden count is ``None``."""
    rows = len(cells)
    width = len(cells[0]) if rows else 0
    row_totals = list(row_totals) if row_totals is not None else [sum(r) for r in cells]
    values: dict[Hashable, int] = {}
    for r, row in enumerate(cells):
        values[("r", r)] = row_totals[r]
        for c, v in enumerate(row):
            values[("c", r, c)] = v
    for c in range(width):
        values[("k", c)] = sum(row[c] for row in cells)
    values[("g",)] = sum(row_totals)
    lines = [([("c", r, c) for c in range(width)], ("r", r)) for r in range(rows)]
    lines += [([("c", r, c) for r in range(rows)], ("k", c)) for c in range(width)]
    lines += [([("r", r) for r in range(rows)], ("g",)), ([("k", c) for c in range(width)], ("g",))]
    hidden = suppress_small_counts(values, lines, threshold=threshold)

    def show(key):
        return None if key in hidden else values[key]

    return SuppressedTable(
        cells=[[show(("c", r, c)) for c in range(width)] for r in range(rows)],
        row_totals=[show(("r", r)) for r in range(rows)],
        column_totals=[show(("k", c)) for c in range(width)],
        total=show(("g",)),
    )


HIDDEN = ".."


def shown(value: int | None) -> str | int:
    """A count as published: the number, or ".." when it is hidden."""
    return HIDDEN if value is None else value
