"""Reading the benefit periods of a known set of people out of a register extract.

A review programme's milestones take their benefit periods from the registers (issue 17,
"Benefit periods come from the registers"). The extract is the file ``helhed register``
reads (``register.periods``: ``cpr,kommunekode,ydelse,start,slut``, CSV or Parquet), or a
DREAM extract (``register.dream``) with its code table, which is first turned into such a
file. The whole file is checked first, with the engine's messages (file, row, problem, never
a CPR number). Only the people who have a period in the given municipality are looked at,
and of them only those whose CPR blind index is wanted are kept, with all their periods
(also those in other municipalities, so that a move shows).
"""

from __future__ import annotations

import datetime
import tempfile
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from helhed.register import dream
from helhed.register.engine import connect
from helhed.register.periods import RegisterInputError, open_periods

__all__ = ["MemberPeriods", "RegisterInputError", "member_periods"]


@dataclass(frozen=True)
class MemberPeriods:
    rows: int  # periods in the file
    # blind index → [(kommunekode, ydelse, start, end)]
    periods: dict[str, list[tuple[int, str, datetime.date, datetime.date | None]]]


def member_periods(content: bytes, *, name: str, kind: str, today: datetime.date, municipality: int,
                   index_of: Callable[[str], str], wanted: Collection[str],
                   dream_codes: bytes | None = None) -> MemberPeriods:
    """The periods of the ``wanted`` people (by CPR blind index, ``index_of`` computes it)
    in the extract ``content``. Raises ``RegisterInputError`` on bad input."""
    wanted = set(wanted)
    with tempfile.TemporaryDirectory(prefix="helhed-extract-") as tmp:
        suffix = ".parquet" if name.lower().endswith(".parquet") else ".csv"
        path = Path(tmp) / f"udtraek{suffix}"
        path.write_bytes(content)
        if kind == "dream":
            if not dream_codes:
                raise RegisterInputError(name, "et DREAM-udtræk kræver kodeoversættelsen (code,ydelse).")
            codes = Path(tmp) / "koder.csv"
            codes.write_bytes(dream_codes)
            converted = Path(tmp) / "perioder.parquet"
            dream.import_dream(path, codes=codes, out=converted, today=today)
            path = converted
        con = connect()
        try:
            read = open_periods(con, path, today=today)
            people = con.execute(
                "SELECT DISTINCT cpr FROM periods WHERE kommunekode = ?", [municipality]).fetchall()
            keep = {cpr: index for cpr, index in ((c, index_of(c)) for (c,) in people) if index in wanted}
            found: dict[str, list] = defaultdict(list)
            if keep:
                con.execute("CREATE TEMP TABLE wanted(cpr VARCHAR PRIMARY KEY)")
                con.executemany("INSERT INTO wanted VALUES (?)", [(c,) for c in keep])
                for cpr, kommunekode, ydelse, start, slut in con.execute(
                        "SELECT p.cpr, p.kommunekode, p.ydelse, p.start, p.slut FROM periods p JOIN wanted USING (cpr) "
                        "ORDER BY p.cpr, p.start, p.ydelse").fetchall():
                    found[keep[cpr]].append((int(kommunekode), ydelse, start, slut))
        finally:
            con.close()
    return MemberPeriods(rows=read.rows, periods=dict(found))
