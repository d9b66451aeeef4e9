"""Target-group rules as code: named, versioned rule objects with visible parameters.

A rule turns the benefit periods (the view ``periods``, see ``helhed.register.periods``)
and a reference date into the members of a target group: one row per person with
``cpr``, ``kommunekode`` and the rule's own figures (``figures``). The engine
(``helhed.register.engine``) runs any registered rule the same way, so a new rule is a new
object passed to ``register``: nothing in the engine changes.

Every rule states its source. Where the sources leave a definition open, the choice is ours,
and it is a parameter (DOMAIN.md: "where a rule is ours ... it must make it a visible,
documented parameter").
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar

from helhed.register.vocabulary import AKTIVITETSPARAT, SYSTEM


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day and month ``years`` earlier; 29 February becomes 28 February when the
    earlier year has no leap day."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _in_list(values: frozenset[str]) -> str:
    return ", ".join(f"'{v}'" for v in sorted(values))


def home_sql(aktiv: frozenset[str]) -> str:
    """Persons with a period of an ``aktiv`` benefit covering the reference date ``$d``, with
    their municipality: the kommunekode of that period; of several, the one that started
    latest, and of those the lowest kommunekode (the issue's tie-break, made deterministic)."""
    return f"""
    SELECT cpr, arg_min(kommunekode, (-epoch(start), kommunekode)) AS kommunekode
    FROM periods
    WHERE ydelse IN ({_in_list(aktiv)}) AND start <= $d AND (slut IS NULL OR slut >= $d)
    GROUP BY cpr"""


@dataclass(frozen=True)
class TargetGroupRule:
    """A named, versioned target-group rule. Subclasses define ``figures`` (the output
    columns after ``cpr`` and ``kommunekode``) and ``query``."""

    name: str
    version: str
    title: str
    source: str

    figures: ClassVar[tuple[str, ...]] = ()
    figure_labels: ClassVar[dict[str, str]] = {}  # Danish column headings for the pages

    def parameters(self) -> dict:
        """The rule's parameters as JSON-ready values (stored with every result)."""
        skip = {"name", "version", "title", "source"}
        out = {}
        for key, value in asdict(self).items():
            if key in skip:
                continue
            if isinstance(value, frozenset | set):
                value = sorted(value)
            elif isinstance(value, Decimal):
                value = str(value)
            out[key] = value
        return out

    def description(self) -> str:
        """Who the rule finds, in plain Danish for the people who read its results, with the
        rule's own parameter values (so it cannot drift from them)."""
        raise NotImplementedError

    def query(self, as_of: datetime.date) -> tuple[str, dict]:
        """SQL over the view ``periods`` giving ``cpr, kommunekode, *figures`` for every
        member on ``as_of``, and its named parameters."""
        raise NotImplementedError


@dataclass(frozen=True)
class ContinuousStay(TargetGroupRule):
    """Aktivitetsparat on the reference date D, in a stay in the kontanthjælp system that
    began at least ``years`` years before D.

    (a) On D the person has a period with a benefit in ``aktiv``.
    (b) Their stay in the system (benefits in ``system``) that covers D began on or before
        D minus ``years`` years (same day and month; 29 February → 28 February). Periods
        separated by gaps of at most ``max_gap_days`` days (the days strictly between the
        end of one and the start of the next) count as one stay; a longer gap starts a new
        stay. Overlapping periods are one stay.
    The person's municipality: see ``home_sql``.
    Figures: ``stay_start`` (the first day of the stay) and ``days_in_stay`` (calendar days
    from ``stay_start`` to D, both included, short gaps counted).
    """

    years: int = 5
    max_gap_days: int = 90
    aktiv: frozenset[str] = field(default=AKTIVITETSPARAT)
    system: frozenset[str] = field(default=SYSTEM)

    figures: ClassVar[tuple[str, ...]] = ("stay_start", "days_in_stay")
    figure_labels: ClassVar[dict[str, str]] = {"stay_start": "Forløbet begyndte", "days_in_stay": "Dage i forløbet"}

    def description(self) -> str:
        return (f"Personer, der på skæringsdatoen er aktivitetsparate, og som har været i "
                f"kontanthjælpssystemet i mindst {self.years} år i træk. En pause på højst "
                f"{self.max_gap_days} dage uden ydelse afbryder ikke forløbet.")

    def query(self, as_of):
        # Periods are clipped to D: what happens after D cannot change the stay covering D.
        # A period starts a new stay when its start lies more than max_gap_days + 1 days after
        # the latest end of all periods before it (ordered by start); the stay covering D is
        # the last one, since an aktiv period covers D.
        sql = f"""
        WITH home AS ({home_sql(self.aktiv)}),
        sys AS (
            SELECT p.cpr, p.start, least(coalesce(p.slut, $d), $d) AS slut
            FROM periods p SEMI JOIN home USING (cpr)
            WHERE p.ydelse IN ({_in_list(self.system)}) AND p.start <= $d
        ),
        ordered AS (
            SELECT cpr, start,
                   max(slut) OVER (PARTITION BY cpr ORDER BY start, slut
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_end
            FROM sys
        ),
        stays AS (
            SELECT cpr, max(start) AS stay_start
            FROM ordered
            WHERE before_end IS NULL OR start - before_end - 1 > $max_gap
            GROUP BY cpr
        )
        SELECT cpr, kommunekode, stay_start, ($d - stay_start) + 1 AS days_in_stay
        FROM home JOIN stays USING (cpr)
        WHERE stay_start <= $cutoff
        ORDER BY cpr"""
        return sql, {"d": as_of, "max_gap": self.max_gap_days, "cutoff": years_before(as_of, self.years)}


@dataclass(frozen=True)
class ShareOfWindow(TargetGroupRule):
    """Aktivitetsparat on the reference date D, and in the kontanthjælp system for at least
    ``min_share`` of the days of the last ``window_years`` years.

    (a) On D the person has a period with a benefit in ``aktiv``.
    (b) The number of distinct days in the window (D minus ``window_years`` years, excluded,
        to D, included) covered by periods with a benefit in ``system`` is at least
        ``min_share`` times the number of days in the window. Overlapping periods count each
        day once.
    The person's municipality: see ``home_sql``. Figure: ``days_in_window``.
    """

    window_years: int = 10
    min_share: Decimal = Decimal("0.8")
    aktiv: frozenset[str] = field(default=AKTIVITETSPARAT)
    system: frozenset[str] = field(default=SYSTEM)

    figures: ClassVar[tuple[str, ...]] = ("days_in_window",)
    figure_labels: ClassVar[dict[str, str]] = {"days_in_window": "Dage i kontanthjælpssystemet i perioden"}

    def description(self) -> str:
        share = f"{(self.min_share * 100).normalize():f}".replace(".", ",")  # 80, 82,5
        return (f"Personer, der på skæringsdatoen er aktivitetsparate, og som har været i "
                f"kontanthjælpssystemet i mindst {share} % af dagene i de seneste "
                f"{self.window_years} år.")

    def query(self, as_of):
        window_start = years_before(as_of, self.window_years)  # excluded
        share = Fraction(self.min_share)
        # Ordered by start, a period adds the days after the latest end before it: the days
        # before that end are already counted (every earlier period starts no later).
        sql = f"""
        WITH home AS ({home_sql(self.aktiv)}),
        sys AS (
            SELECT p.cpr, greatest(p.start, $w + 1) AS start, least(coalesce(p.slut, $d), $d) AS slut
            FROM periods p SEMI JOIN home USING (cpr)
            WHERE p.ydelse IN ({_in_list(self.system)}) AND p.start <= $d AND coalesce(p.slut, $d) > $w
        ),
        ordered AS (
            SELECT cpr, start, slut,
                   max(slut) OVER (PARTITION BY cpr ORDER BY start, slut
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_end
            FROM sys
        ),
        covered AS (
            SELECT cpr, sum(greatest(0, slut - greatest(start - 1, coalesce(before_end, start - 1))))::INTEGER
                       AS days_in_window
            FROM ordered GROUP BY cpr
        )
        SELECT cpr, kommunekode, days_in_window
        FROM home JOIN covered USING (cpr)
        WHERE days_in_window::BIGINT * $den >= ($d - $w)::BIGINT * $num
        ORDER BY cpr"""
        return sql, {"d": as_of, "w": window_start, "num": share.numerator, "den": share.denominator}


RULES: dict[str, TargetGroupRule] = {}


def register(rule: TargetGroupRule) -> TargetGroupRule:
    if rule.name in RULES:
        raise ValueError(f"a target-group rule named {rule.name!r} is already registered")
    RULES[rule.name] = rule
    return rule


def get_rule(name: str) -> TargetGroupRule:
    try:
        return RULES[name]
    except KeyError:
        raise KeyError(f"ukendt regel {name!r}; kendte regler: {', '.join(sorted(RULES))}") from None


FLERE_SKAL_MED_2017 = register(ContinuousStay(
    name="flere-skal-med-2017",
    version="1",
    title="Flere skal med (2017): aktivitetsparate i kontanthjælpssystemet i mindst fem år",
    source=(
        "Seed 002, Beskæftigelsesministeriets pressemeddelelse 9. april 2017 om puljen "
        "\"Flere skal med\": \"de over 27.000 kontanthjælpsmodtagere, der har været i systemet i "
        "mindst fem år\"; seed 001 (aktivitetsparate kontanthjælpsmodtagere). Vores læsning: "
        "styrelsens afbrydelseskriterium er ikke offentligt, så den største pause, der ikke "
        "afbryder et forløb, er parameteren max_gap_days (90 dage)."
    ),
    years=5,
    max_gap_days=90,
))

AFKLARINGSPULJE_2019 = register(ShareOfWindow(
    name="afklaringspulje-2019",
    version="1",
    title="Afklaringspuljen (2019): aktivitetsparate på kontanthjælp mere end 8 af de seneste 10 år",
    source=(
        "DOMAIN.md, seed 002 (fakta uden for seedet): opfølgningspuljen (\"afklaringspulje\") "
        "var målrettet personer på kontanthjælp mere end 8 af de seneste 10 år. Vores læsning: "
        "mindst 80 % af dagene i de ti år, der slutter på skæringsdatoen, dækket af perioder i "
        "kontanthjælpssystemet, og aktivitetsparat på skæringsdatoen."
    ),
    window_years=10,
    min_share=Decimal("0.8"),
))
