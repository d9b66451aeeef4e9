"""The evaluation export: one row per target-group member of a pool, pseudonymised, with the
municipality, the review outcome, the efforts and the status 6, 12 and 24 months after the
reference date, and a summary table per municipality.

Seed 002: "Initiativet evalueres". The pseudonym is an HMAC of the member's CPR blind index
under a random key made for this export only, so it is stable within one export (a member
is one row, and the two tables agree) but cannot be linked to another export, to the CPR
blind index or to a CPR number. Neither a CPR number nor the blind index leaves this module.
The status at 6, 12 and 24 months is measured by ``helhed.pools.outcomes`` on a register
extract dated at or after each point; the points table says which extract each point used.
The summary suppresses small counts (``helhed.pools.suppression``).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
import io
import os
import secrets
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from helhed.pools import outcomes, suppression
from helhed.register.kommuner import kommuner

STATUS_MONTHS = outcomes.OUTCOME_MONTHS
CATEGORIES = outcomes.CATEGORIES

COLUMNS = ["pseudonym", "kommunekode", "kommune", "gennemgang_status", "visitation", "indsats_ved_visitation",
           "rehabiliteringsteamets_indstilling", "visiteret_dato", "indsatser", "virksomhedsrettede_indsatser",
           "dage_i_virksomhedsrettet_indsats"] + [f"status_{n}_mdr" for n in STATUS_MONTHS]
POINT_COLUMNS = ["maaneder", "maalt_pr", "udtraek_id", "udtraek_dato", "udtraek_sha256", "ikke_maalt_fordi"]


@dataclass
class ExportData:
    columns: list[str]
    rows: list[list]
    summary_columns: list[str] = field(default_factory=list)
    summary: list[list] = field(default_factory=list)
    status_dates: dict[int, datetime.date] = field(default_factory=dict)
    points: list[outcomes.Point] = field(default_factory=list)
    outcomes: outcomes.Outcomes | None = None

    def point_rows(self) -> list[list]:
        return [[p.months, p.on.isoformat(), p.extract_id or "",
                 p.extract_data_as_of.isoformat() if p.extract_data_as_of else "", p.extract_sha256, p.reason]
                for p in self.points]


def evaluation_rows(*, pool, today: datetime.date) -> ExportData:
    from helhed.register.models import TargetGroupMember
    from helhed.review.models import VIRKSOMHEDSRETTET, Effort, ReviewCase

    result = pool.target_result
    key = secrets.token_bytes(32)
    names = kommuner()
    members = list(TargetGroupMember.objects.filter(result=result).values_list("pk", "cpr_index", "municipality_id"))
    cases = {row[0]: row[1:] for row in ReviewCase.objects.filter(member__result=result).values_list(
        "member_id", "pk", "status", "track", "effort_kind", "rehab_outcome", "visiteret_on")}
    efforts: dict = defaultdict(lambda: [0, 0, 0])
    for case_id, kind, start, end in Effort.objects.filter(case__member__result=result).values_list(
            "case_id", "kind", "starts_on", "ends_on"):
        e = efforts[case_id]
        e[0] += 1
        if kind in VIRKSOMHEDSRETTET:
            e[1] += 1
            last = min(end or today, today)
            e[2] += max(0, (last - start).days + 1)
    measured = outcomes.measure(pool=pool, today=today)
    rows = []
    for pk, index, code in members:
        pseudonym = hmac.new(key, index.encode(), hashlib.sha256).hexdigest()[:20]
        case = cases.get(pk)
        _, status, track, effort_kind, rehab, visiteret_on = case if case else (None, "", "", "", "", None)
        e = efforts[case[0]] if case else [0, 0, 0]
        rows.append([pseudonym, code, names.get(code, ""), status or "ingen_gennemgang", track, effort_kind, rehab,
                     visiteret_on.isoformat() if visiteret_on else "", *e,
                     *(measured.category(index, n) for n in STATUS_MONTHS)])
    rows.sort(key=lambda r: r[0])  # the order of the result is CPR order: never keep it
    return ExportData(columns=COLUMNS, rows=rows, status_dates={p.months: p.on for p in measured.points},
                      points=measured.points, outcomes=measured, **_summary(rows, measured.points))


SUMMARY_PAIRS = (("afklaret_og_visiteret_eller_lukket", "ikke_afklaret"), ("visiteret", "ikke_visiteret"),
                 ("med_virksomhedsrettet_indsats", "uden_virksomhedsrettet_indsats"))


def _summary(rows: list[list], points: list[outcomes.Point]) -> dict:
    """One row per municipality and a national row, every count below the threshold hidden
    with its secondary suppressions (``suppression.suppress_small_counts``): each pair (e.g.
    resolved and not resolved) and each point's categories add up to the target group, and
    every column adds up to the national row."""
    measured = [p for p in points if p.measured]
    columns = ["kommunekode", "kommune", "maalgruppe"] + [a for a, _ in SUMMARY_PAIRS]
    columns += [f"status_{p.months}_mdr_{c}" for p in measured for c in CATEGORIES]
    col = COLUMNS.index
    by_code: dict[int, dict] = {}
    for r in rows:
        s = by_code.setdefault(r[1], {"name": r[2], "n": 0, "pairs": [[0, 0] for _ in SUMMARY_PAIRS],
                                      "points": {p.months: Counter() for p in measured}})
        s["n"] += 1
        flags = (r[col("gennemgang_status")] in ("visiteret", "closed"), r[col("gennemgang_status")] == "visiteret",
                 r[col("virksomhedsrettede_indsatser")] > 0)
        for pair, flag in zip(s["pairs"], flags, strict=True):
            pair[0 if flag else 1] += 1
        for p in measured:
            s["points"][p.months][r[col(f"status_{p.months}_mdr")]] += 1
    codes = sorted(by_code)
    values: dict = {}
    lines: list = []
    groups = [(f"pair{i}", 2) for i in range(len(SUMMARY_PAIRS))]
    groups += [(f"point{p.months}", len(CATEGORIES)) for p in measured]
    for code in codes:
        s = by_code[code]
        values[("n", code)] = s["n"]
        for i, pair in enumerate(s["pairs"]):
            values[(f"pair{i}", code, 0)], values[(f"pair{i}", code, 1)] = pair
        for p in measured:
            for c, category in enumerate(CATEGORIES):
                values[(f"point{p.months}", code, c)] = s["points"][p.months][category]
    values[("n", "T")] = sum(by_code[code]["n"] for code in codes)
    lines.append(([("n", code) for code in codes], ("n", "T")))
    for g, width in groups:
        for c in range(width):
            values[(g, "T", c)] = sum(values[(g, code, c)] for code in codes)
            lines.append(([(g, code, c) for code in codes], (g, "T", c)))
        for code in [*codes, "T"]:
            lines.append(([(g, code, c) for c in range(width)], ("n", code)))
    hidden = suppression.suppress_small_counts(values, lines, threshold=suppression.small_count_threshold())

    def v(key):
        return suppression.shown(None if key in hidden else values[key])

    summary = []
    for code in [*codes, "T"]:
        head = [code, by_code[code]["name"]] if code != "T" else ["", "Hele landet"]
        summary.append([*head, v(("n", code)), *(v((f"pair{i}", code, 0)) for i in range(len(SUMMARY_PAIRS))),
                        *(v((f"point{p.months}", code, c)) for p in measured for c in range(len(CATEGORIES)))])
    return {"summary_columns": columns, "summary": summary}


def write(data: ExportData, path: Path | str, fmt: str) -> None:
    if fmt == "csv":
        with open(path, "w", encoding="utf-8", newline="") as handle:
            _csv(handle, data.columns, data.rows)
        return
    con = duckdb.connect()
    try:
        types = ["VARCHAR", "SMALLINT", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DATE",
                 "INTEGER", "INTEGER", "INTEGER"] + ["VARCHAR"] * len(STATUS_MONTHS)
        definition = ", ".join(f'"{c}" {t}' for c, t in zip(data.columns, types, strict=True))
        con.execute(f"CREATE TABLE t ({definition})")  # noqa: S608  (our own column names)
        if data.rows:
            con.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(data.columns))})",  # noqa: S608
                            [[r[7] or None if i == 7 else v for i, v in enumerate(r)] for r in data.rows])
        target = str(path).replace("'", "''")
        con.execute(f"COPY t TO '{target}' (FORMAT parquet)")
    finally:
        con.close()


def write_summary(data: ExportData, path: Path | str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        _csv(handle, data.summary_columns, data.summary)


def write_points(data: ExportData, path: Path | str) -> None:
    """Which extract each outcome point was measured on (id, data date, SHA-256), or why not."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        _csv(handle, POINT_COLUMNS, data.point_rows())


def points_bytes(data: ExportData) -> bytes:
    buffer = io.StringIO()
    _csv(buffer, POINT_COLUMNS, data.point_rows())
    return buffer.getvalue().encode("utf-8")


def _csv(handle, columns, rows) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)


def as_bytes(data: ExportData, fmt: str) -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        _csv(buffer, data.columns, data.rows)
        return buffer.getvalue().encode("utf-8")
    fd, tmp = tempfile.mkstemp(suffix=".parquet")
    os.close(fd)
    try:
        os.unlink(tmp)
        write(data, tmp, "parquet")
        return Path(tmp).read_bytes()
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def summary_bytes(data: ExportData) -> bytes:
    buffer = io.StringIO()
    _csv(buffer, data.summary_columns, data.summary)
    return buffer.getvalue().encode("utf-8")
