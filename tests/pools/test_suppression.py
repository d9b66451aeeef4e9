"""Small-count suppression: no count below 5 can be read, or derived from the totals."""

from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from helhed.pools.suppression import suppress_small_counts, suppress_table


def derivable(cells, table) -> list[tuple[int, int]]:
    """The hidden cells whose value follows from the shown ones by the row and column sums
    (exact Gaussian elimination over the hidden cells: a cell is derivable when its unit
    vector lies in the span of the equations)."""
    rows, width = len(cells), len(cells[0])
    hidden = {("c", r, c) for r in range(rows) for c in range(width) if table.cells[r][c] is None}
    hidden |= {("r", r) for r in range(rows) if table.row_totals[r] is None}
    hidden |= {("k", c) for c in range(width) if table.column_totals[c] is None}
    if table.total is None:
        hidden.add(("g",))
    order = sorted(hidden, key=repr)
    index = {k: i for i, k in enumerate(order)}
    lines = [([("c", r, c) for c in range(width)], ("r", r)) for r in range(rows)]
    lines += [([("c", r, c) for r in range(rows)], ("k", c)) for c in range(width)]
    lines += [([("r", r) for r in range(rows)], ("g",)), ([("k", c) for c in range(width)], ("g",))]
    matrix = []
    for members, total in lines:
        v = [Fraction(0)] * len(order)
        for k in members:
            if k in index:
                v[index[k]] += 1
        if total in index:
            v[index[total]] -= 1
        if any(v):
            matrix.append(v)
    rank = _rank(matrix)
    found = []
    for r in range(rows):
        for c in range(width):
            key = ("c", r, c)
            if key in index and 0 < cells[r][c] < 5:
                unit = [Fraction(int(i == index[key])) for i in range(len(order))]
                if _rank([*matrix, unit]) == rank:
                    found.append((r, c))
    return found


def _rank(matrix) -> int:
    m = [list(row) for row in matrix]
    rank, cols = 0, len(m[0]) if m else 0
    for c in range(cols):
        pivot = next((i for i in range(rank, len(m)) if m[i][c] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][c] != 0:
                f = m[i][c] / m[rank][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
    return rank


def test_counts_from_1_to_4_are_hidden_and_zero_and_5_are_shown():
    t = suppress_table([[0, 1, 4, 5, 20, 20]])
    assert t.cells[0][:4] == [0, None, None, 5]


def test_a_single_small_cell_takes_the_next_smallest_with_it():
    """Before there was no suppression: 3 of 25 was shown, and 25 - 10 - 12 gives it anyway."""
    t = suppress_table([[3, 10, 12]], row_totals=[25])
    assert t.cells[0] == [None, None, 12] and t.row_totals == [25]


def test_a_small_complement_hides_its_count_too():
    """38 of 40 resolved: the 2 not resolved would follow from 40 - 38."""
    t = suppress_table([[38, 2], [30, 30]])
    assert t.cells[0] == [None, None]
    assert t.row_totals[0] == 40
    # and in the columns: 68 resolved nationally with the other municipality's 30 shown would give 38
    assert t.cells[1] == [None, None] or t.column_totals == [None, None]
    assert derivable([[38, 2], [30, 30]], t) == []


def test_a_zero_is_never_the_partner_and_a_row_of_one_count_hides_its_total():
    t = suppress_table([[3, 0, 0], [10, 10, 10]])
    assert t.cells[0][1:] == [0, 0] and t.row_totals[0] is None and t.cells[0][0] is None


def test_lines_with_one_hidden_value_are_completed_across_rows_and_columns():
    values = {"a": 2, "b": 8, "c": 6, "d": 9, "ab": 10, "cd": 15, "ac": 8, "bd": 17, "all": 25}
    lines = [(["a", "b"], "ab"), (["c", "d"], "cd"), (["a", "c"], "ac"), (["b", "d"], "bd"),
             (["ab", "cd"], "all"), (["ac", "bd"], "all")]
    hidden = suppress_small_counts(values, lines)
    assert hidden == {"a", "b", "c", "d"}
    assert suppress_small_counts(values, lines, threshold=3) == {"a", "b", "c", "d"}
    assert suppress_small_counts(values, lines, threshold=2) == set()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=3, max_size=3), min_size=1, max_size=4))
# no line has one hidden value, yet the rows and columns together give the middle 1
@example([[0, 0, 1], [0, 1, 1], [1, 1, 5]])
def test_no_small_count_can_be_derived_from_the_shown_figures(cells):
    table = suppress_table(cells)
    assert derivable(cells, table) == []
    for r, row in enumerate(cells):
        for c, v in enumerate(row):
            assert (table.cells[r][c] is None) or not (0 < v < 5)
