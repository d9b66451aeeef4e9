"""The evaluation's outcomes: where the members of a pool's target group are 6, 12 and 24
months after the reference date, measured on register extracts dated at or after each point.

Seed 002: "Initiativet evalueres". An outcome must rest on evidence an auditor can replay
(DOMAIN.md, "Grant administration"), so a point is measured only on a register extract whose
data runs at least to the point (``extract_for_point``); an extract taken earlier cannot see
what happened later. When there is none, the point is "ikke målt endnu". A member missing from
the extract used is "ukendt": missing data is never counted as a success. Each measurement
stores the extract it used (id, data date, SHA-256) and its counts (``OutcomeMeasurement``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from helhed.core.calendar import add_months
from helhed.core.cpr import cpr_blind_index
from helhed.core.formats import kortdato
from helhed.core.storage import EncryptedFileError, decrypted_copy
from helhed.register.engine import connect, file_sha256
from helhed.register.periods import RegisterInputError, inspect_source, open_periods
from helhed.register.vocabulary import SYSTEM

RULE_VERSION = "udfald-2"
OUTCOME_MONTHS = (6, 12, 24)

KONTANTHJAELP = "kontanthjælpssystemet"
RESSOURCEFORLOEB = "ressourceforløb"
FLEKSJOB = "fleksjob"
FOERTIDSPENSION = "førtidspension"
JOB_UDDANNELSE = "job/uddannelse"
ANDEN_YDELSE = "anden ydelse"
FLYTTET = "flyttet"
DOED_UDVANDRET = "død/udvandret"
UKENDT = "ukendt"
IKKE_MAALT = "ikke målt endnu"
CATEGORIES = (KONTANTHJAELP, RESSOURCEFORLOEB, FLEKSJOB, FOERTIDSPENSION, JOB_UDDANNELSE, ANDEN_YDELSE, FLYTTET,
              DOED_UDVANDRET, UKENDT)

FLEKSJOB_BENEFITS = frozenset({"fleksjob", "ledighedsydelse"})
EDUCATION_BENEFITS = frozenset({"su"})
# The optional column of an extract with the day a person died or emigrated (from CPR).
CEASED_COLUMN = "ophoer"


def outcome_category(*, in_extract: bool, ceased_on: datetime.date | None, municipality_on_day: int | None,
                     home: int, ydelser: frozenset[str], day: datetime.date) -> str:
    """A member's outcome on ``day`` from a register extract whose data runs to ``day`` or later.

    Source: issue 17 ("An evaluation that measures": still in the kontanthjælp system,
    ressourceforløb, fleksjob, førtidspension, job or education (left benefits), moved, died or
    emigrated, unknown); seed 002 (the rehabiliteringsteam's tracks: ressourceforløb, fleksjob,
    førtidspension). In order:

    1. not in the extract at all: ``ukendt`` (missing data is never a success);
    2. died or emigrated on or before the day (the extract's optional column ``ophoer``):
       ``død/udvandret``;
    3. the municipality on the day (of the benefit covering it, else of the last benefit before
       it) is not the member's municipality at the reference date: ``flyttet``;
    4. the most permanent benefit that day: førtidspension, fleksjob (with ledighedsydelse),
       ressourceforløb, the kontanthjælp system;
    5. no benefit, or only SU: ``job/uddannelse`` (self-supporting; a register of benefit
       periods cannot tell a job from education: our documented reading);
    6. any other benefit (sygedagpenge, dagpenge, jobafklaringsforløb, folkepension):
       ``anden ydelse`` (our addition: it is neither success nor the kontanthjælp system).
    """
    if not in_extract:
        return UKENDT
    if ceased_on is not None and ceased_on <= day:
        return DOED_UDVANDRET
    if municipality_on_day is not None and municipality_on_day != home:
        return FLYTTET
    if "foertidspension" in ydelser:
        return FOERTIDSPENSION
    if ydelser & FLEKSJOB_BENEFITS:
        return FLEKSJOB
    if "ressourceforloeb" in ydelser:
        return RESSOURCEFORLOEB
    if ydelser & SYSTEM:
        return KONTANTHJAELP
    if ydelser <= EDUCATION_BENEFITS:
        return JOB_UDDANNELSE
    return ANDEN_YDELSE


def extract_for_point(point: datetime.date, extracts):
    """The extract a point is measured on: of those whose data runs to the point or later
    (``data_as_of >= point``), the earliest, so the measurement is as close to the point as
    the evidence allows (ties: the first registered). None when there is none.

    Source: issue 17 ("Outcomes at 6, 12 and 24 months come from a register extract dated at
    or after each point"); our parameter: the earliest such extract."""
    fitting = [e for e in extracts if e.data_as_of >= point]
    return min(fitting, key=lambda e: (e.data_as_of, e.registered_at)) if fitting else None


@dataclass
class Point:
    months: int
    on: datetime.date
    extract_id: str | None = None
    extract_data_as_of: datetime.date | None = None
    extract_sha256: str = ""
    reason: str = ""  # why it is not measured

    @property
    def measured(self) -> bool:
        return self.extract_id is not None and not self.reason


@dataclass
class Outcomes:
    points: list[Point]
    by_member: dict[str, dict[int, str]] = field(default_factory=dict)  # blind index → months → category

    def category(self, index: str, months: int) -> str:
        return self.by_member.get(index, {}).get(months, IKKE_MAALT)


def measure(*, pool, today: datetime.date) -> Outcomes:
    """Every member's outcome at each point, with the extract each point used. A point after
    ``today``, or with no extract dated at or after it, is not measured (``ikke målt endnu``)."""
    from helhed.register.models import TargetGroupMember

    result = pool.target_result
    members = dict(TargetGroupMember.objects.filter(result=result).values_list("cpr_index", "municipality_id"))
    extracts = list(pool.evaluation_extracts.select_related("extract"))
    points, chosen = [], {}
    for n in OUTCOME_MONTHS:
        point = Point(months=n, on=add_months(result.as_of, n))
        points.append(point)
        if point.on > today:
            point.reason = "tidspunktet er ikke nået"
            continue
        e = extract_for_point(point.on, extracts)
        if e is None:
            point.reason = "intet registerudtræk dateret på eller efter tidspunktet"
            continue
        point.extract_id, point.extract_data_as_of, point.extract_sha256 = str(e.extract_id), e.data_as_of, \
            e.extract.sha256
        chosen.setdefault(e.extract_id, (e.extract, []))[1].append(point)
    by_member: dict[str, dict[int, str]] = defaultdict(dict)
    for extract, its_points in chosen.values():
        try:
            with _checked_copy(extract) as path:
                found = read_outcomes(path, members, {p.months: p.on for p in its_points}, today=today)
        except (RegisterInputError, duckdb.Error, OSError, ValueError, EncryptedFileError) as error:
            for p in its_points:
                p.reason = f"udtrækket kan ikke læses: {error}"
            continue
        for index, categories in found.items():
            by_member[index].update(categories)
    return Outcomes(points=points, by_member=dict(by_member))


@contextmanager
def _checked_copy(extract) -> Iterator[Path]:
    """A clear copy of the stored (encrypted) extract, checked against its SHA-256; removed
    when the block ends."""
    with decrypted_copy(extract.file) as path:
        if file_sha256(path) != extract.sha256:
            raise ValueError("filen passer ikke med sin SHA-256")
        yield path


def read_outcomes(path: Path | str, members: dict[str, int], dates: dict[int, datetime.date], *,
                  today: datetime.date) -> dict[str, dict[int, str]]:
    """Blind index → {months: category} for ``members`` (blind index → municipality at the
    reference date) from the benefit periods in ``path``, one date per point."""
    con = connect()
    try:
        source = inspect_source(path)
        open_periods(con, path, today=today)
        ceased: dict[str, datetime.date] = {}
        if CEASED_COLUMN in source.columns:
            # Our own column name and the file's reader: nothing from the file's content.
            ceased_day = f"min(try_cast(nullif(trim({CEASED_COLUMN}::VARCHAR), '') AS DATE))"
            sql = f"SELECT cpr_compact(cpr::VARCHAR), {ceased_day} FROM {source.relation_sql()} GROUP BY 1"  # noqa: S608
            for cpr, day in con.execute(sql).fetchall():
                if day is not None:
                    ceased[cpr] = day
        pairs = [(cpr, index) for (cpr,) in con.execute("SELECT DISTINCT cpr FROM periods").fetchall()
                 if (index := cpr_blind_index(cpr)) in members]
        con.execute("CREATE TEMP TABLE m (cpr VARCHAR, idx VARCHAR)")
        if pairs:
            con.executemany("INSERT INTO m VALUES (?, ?)", pairs)
        cpr_of = {index: cpr for cpr, index in pairs}
        out: dict[str, dict[int, str]] = {}
        for n, day in dates.items():
            ydelser: dict[str, set] = defaultdict(set)
            for index, ydelse in con.execute(
                    "SELECT m.idx, p.ydelse FROM periods p JOIN m USING (cpr) "
                    "WHERE p.start <= ? AND (p.slut IS NULL OR p.slut >= ?)", [day, day]).fetchall():
                ydelser[index].add(ydelse)
            # The municipality on the day: of the period covering it (the latest start), else of
            # the last one that ended before it; then the lowest code.
            where = dict(con.execute(
                "SELECT idx, kommunekode FROM ("
                " SELECT m.idx, p.kommunekode, p.start, p.slut, "
                " CASE WHEN p.slut IS NULL OR p.slut >= ? THEN 0 ELSE 1 END AS covering "
                " FROM periods p JOIN m USING (cpr) WHERE p.start <= ?) "
                "QUALIFY row_number() OVER (PARTITION BY idx ORDER BY covering, "
                " CASE WHEN covering = 0 THEN start ELSE slut END DESC, kommunekode) = 1",
                [day, day]).fetchall())
            for index, home in members.items():
                cpr = cpr_of.get(index)
                out.setdefault(index, {})[n] = outcome_category(
                    in_extract=cpr is not None, ceased_on=ceased.get(cpr) if cpr else None,
                    municipality_on_day=where.get(index), home=home, ydelser=frozenset(ydelser.get(index, ())),
                    day=day)
        return out
    finally:
        con.close()


# --- Writes ---------------------------------------------------------------------------

def register_extract(*, pool, extract, data_as_of: datetime.date, actor, today: datetime.date):
    """Name a register extract as evidence for the evaluation, with the date its data is
    complete to. Refused when that date is in the future, after the day the file was uploaded
    (Danish time) or before the pool's reference date."""
    from helhed.pools.models import EvaluationExtract

    uploaded = timezone.localtime(extract.uploaded_at).date()
    if data_as_of > today:
        raise ValidationError({"data_as_of": "Datoen for udtrækkets data kan ikke ligge i fremtiden."})
    if data_as_of > uploaded:
        raise ValidationError({"data_as_of": f"Udtrækket blev indlæst {kortdato(uploaded)}; det kan ikke indeholde "
                                             "data fra efter den dag."})
    if data_as_of < pool.target_result.as_of:
        raise ValidationError({"data_as_of": "Datoen ligger før puljens skæringsdato."})
    if pool.evaluation_extracts.filter(extract=extract).exists():
        raise ValidationError({"extract": "Udtrækket er allerede tilknyttet evalueringen."})
    return EvaluationExtract.objects.create(pool=pool, extract=extract, data_as_of=data_as_of, registered_by=actor)


@transaction.atomic
def record_measurement(*, pool, outcomes: Outcomes, actor=None) -> list:
    """Store each point: the extract it used (or why it was not measured) and its counts."""
    from helhed.pools.models import OutcomeMeasurement

    rows = []
    for p in outcomes.points:
        counts: dict[str, int] = {}
        if p.measured:
            for categories in outcomes.by_member.values():
                c = categories.get(p.months, IKKE_MAALT)
                counts[c] = counts.get(c, 0) + 1
        else:
            counts = {"ikke_maalt": p.reason}
        rows.append(OutcomeMeasurement.objects.create(
            pool=pool, months=p.months, point_on=p.on, extract_id=p.extract_id if p.measured else None,
            extract_data_as_of=p.extract_data_as_of if p.measured else None,
            extract_sha256=p.extract_sha256 if p.measured else "", counts=counts, rule_version=RULE_VERSION,
            measured_by=actor))
    return rows
