"""The evaluation export: one row per target-group member of a pool, pseudonymised, with the
municipality, the review outcome, the efforts and the status 6, 12 and 24 months after the
reference date, and a summary table per municipality.

Seed 002: "Initiativet evalueres". The pseudonym is an HMAC of the member's CPR blind index
under a random key made for this export only, so it is stable within one export (a member
is one row, and the two tables agree) but cannot be linked to another export, to the CPR
blind index or to a CPR number. Neither a CPR number nor the blind index leaves this module.
The status comes from the register extract the pool's target group was found in
(``helhed.register.periods``): the benefits a member received on the day, in the categories
of ``status_category``.
"""

from __future__ import annotations

import calendar
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

from helhed.core.cpr import cpr_blind_index
from helhed.register.engine import connect
from helhed.register.kommuner import kommuner
from helhed.register.periods import RegisterInputError, open_periods
from helhed.register.vocabulary import SYSTEM

STATUS_MONTHS = (6, 12, 24)
CATEGORIES = ("kontanthjælp", "job/uddannelse", "fleksjob", "ressourceforløb", "førtidspension", "andet")
FLEKSJOB = frozenset({"fleksjob", "ledighedsydelse"})
EDUCATION = frozenset({"su"})

COLUMNS = ["pseudonym", "kommunekode", "kommune", "gennemgang_status", "visitation", "indsats_ved_visitation",
           "rehabiliteringsteamets_indstilling", "visiteret_dato", "indsatser", "virksomhedsrettede_indsatser",
           "dage_i_virksomhedsrettet_indsats"] + [f"status_{n}_mdr" for n in STATUS_MONTHS]


def status_category(ydelser: set[str] | frozenset[str]) -> str:
    """A member's status on a day from the benefits received that day.

    Source: issue "Grant pools" (evaluation: kontanthjælp, job/education, fleksjob,
    ressourceforløb, førtidspension, other); seed 002 (the rehabiliteringsteam's tracks).
    The most permanent track wins when periods overlap: førtidspension, then fleksjob (with
    ledighedsydelse between flexible jobs), ressourceforløb, the kontanthjælp system. No
    public benefit at all, or only SU, counts as job/education (self-supporting: the
    register of benefit periods cannot tell job from education; our documented reading).
    Everything else (sygedagpenge, dagpenge, jobafklaringsforløb, folkepension) is other."""
    if "foertidspension" in ydelser:
        return "førtidspension"
    if ydelser & FLEKSJOB:
        return "fleksjob"
    if "ressourceforloeb" in ydelser:
        return "ressourceforløb"
    if ydelser & SYSTEM:
        return "kontanthjælp"
    if not ydelser or ydelser <= EDUCATION:
        return "job/uddannelse"
    return "andet"


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` months later (the last day of the month when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class ExportData:
    columns: list[str]
    rows: list[list]
    summary_columns: list[str] = field(default_factory=list)
    summary: list[list] = field(default_factory=list)
    status_dates: dict[int, datetime.date] = field(default_factory=dict)


def _statuses(result, indexes: set[str], dates: dict[int, datetime.date], today: datetime.date
              ) -> dict[str, dict[int, str]]:
    """Blind index → {months: category} from the register extract; dates after ``today``
    (not yet seen in the data) and an extract that cannot be read give no status."""
    known = {n: d for n, d in dates.items() if d <= today}
    if not known:
        return {}
    try:
        path = Path(result.extract.file.path)
    except (ValueError, NotImplementedError):
        return {}
    if not path.exists():
        return {}
    con = connect()
    try:
        open_periods(con, path, today=today)
        cprs = [row[0] for row in con.execute("SELECT DISTINCT cpr FROM periods").fetchall()]
        pairs = [(cpr, index) for cpr in cprs if (index := cpr_blind_index(cpr)) in indexes]
        con.execute("CREATE TEMP TABLE m (cpr VARCHAR, idx VARCHAR)")
        if pairs:
            con.executemany("INSERT INTO m VALUES (?, ?)", pairs)
        found: dict[str, dict[int, set]] = defaultdict(lambda: defaultdict(set))
        for n, d in known.items():
            for index, ydelse in con.execute(
                    "SELECT m.idx, p.ydelse FROM periods p JOIN m USING (cpr) "
                    "WHERE p.start <= ? AND (p.slut IS NULL OR p.slut >= ?)", [d, d]).fetchall():
                found[index][n].add(ydelse)
    except (RegisterInputError, duckdb.Error):
        return {}
    finally:
        con.close()
    return {index: {n: status_category(frozenset(found.get(index, {}).get(n, set()))) for n in known}
            for index in indexes}


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
    dates = {n: months_after(result.as_of, n) for n in STATUS_MONTHS}
    statuses = _statuses(result, {m[1] for m in members}, dates, today)
    rows = []
    for pk, index, code in members:
        pseudonym = hmac.new(key, index.encode(), hashlib.sha256).hexdigest()[:20]
        case = cases.get(pk)
        _, status, track, effort_kind, rehab, visiteret_on = case if case else (None, "", "", "", "", None)
        e = efforts[case[0]] if case else [0, 0, 0]
        s = statuses.get(index, {})
        rows.append([pseudonym, code, names.get(code, ""), status or "ingen_gennemgang", track, effort_kind, rehab,
                     visiteret_on.isoformat() if visiteret_on else "", *e,
                     *(s.get(n, "") for n in STATUS_MONTHS)])
    rows.sort(key=lambda r: r[0])  # the order of the result is CPR order: never keep it
    return ExportData(columns=COLUMNS, rows=rows, status_dates=dates, **_summary(rows))


def _summary(rows: list[list]) -> dict:
    columns = ["kommunekode", "kommune", "maalgruppe", "afklaret_og_visiteret_eller_lukket", "visiteret",
               "med_virksomhedsrettet_indsats"] + [f"status_12_mdr_{c}" for c in CATEGORIES]
    by_code: dict[int, list] = {}
    for r in rows:
        s = by_code.setdefault(r[1], [r[1], r[2], 0, 0, 0, 0, Counter()])
        s[2] += 1
        s[3] += r[3] in ("visiteret", "closed")
        s[4] += r[3] == "visiteret"
        s[5] += r[9] > 0
        s[6][r[COLUMNS.index("status_12_mdr")]] += 1
    summary = [[*s[:6], *(s[6][c] for c in CATEGORIES)] for _, s in sorted(by_code.items())]
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
