"""Bar charts drawn on the server, beside the tables that hold their figures.

One shape for every chart in helhed: a :class:`Bar` has a label, its value as text (the
figure a screen reader reads), a width in per cent of the track and, where a goal applies,
the goal's place on the same scale. ``templates/includes/_bars.html`` draws them as inline
SVG with presentation attributes, so no page needs an inline style and the
Content-Security-Policy can refuse every one of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

Number = int | float | Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    width: int  # per cent of the track, 0-100
    target: int | None = None  # per cent of the track where the goal lies


def _clamp(value: Number | None) -> int:
    return max(0, min(100, round(value or 0)))


def scaled(items: Iterable[tuple[str, Number | None, str]]) -> list[Bar]:
    """Bars for counts: the largest count fills the track, the others in proportion. A
    missing (suppressed) figure gets no bar, only its text."""
    items = list(items)
    top = max((value or 0 for _, value, _ in items), default=0)
    return [Bar(label, text, _clamp(100 * (value or 0) / top) if top else 0) for label, value, text in items]


def shares(items: Iterable[tuple[str, Number | None, str]], *, target: Number | None = None) -> list[Bar]:
    """Bars for percentages on a fixed 0-100 % scale, with the goal's line where there is one.
    A missing share (no one to count, or hidden) gets no bar, only its text."""
    mark = None if target is None else _clamp(target)
    return [Bar(label, text, _clamp(value), mark) for label, value, text in items]
