"""Grant pools in the demo universe: the "Flere skal med" pool of 262.5 million DKK.

Seed 002: 262.5 million DKK, three tranches (30 % at the start, 40 % when the whole gross
target group is afklaret og visiteret, 30 % when 40 % have been in virksomhedsrettet indsats
for three consecutive months); 89 municipalities applied and 9 did not (DOMAIN.md, facts).
The dates follow the demo's ``today`` so the pool runs alongside the Aarhus review programme.

The pool's target group is the review demo's register result for Aarhus, made national by
adding anonymous members (random blind indexes that belong to nobody) for the other 97
municipalities, at about a tenth of the real 27,000. Every municipality but nine applies and
is approved (each staffing plan with a budget line for personlige jobmidler); the pool is
allocated, the first tranche is paid, a monthly report is made for Aarhus, and a follow-up
pool for the unclaimed money is open for applications. Two ambassadors are listed (Aarhus and
Copenhagen), one Aarhus citizen has had personal job means, and a later register extract for
Aarhus is named for the evaluation, so the 6 and 12 month outcomes are measured (the 24 month
point has not come; the anonymous members of other municipalities are in no extract, so their
outcome is "ukendt").
Deterministic for a given ``today``."""

from __future__ import annotations

import datetime
import random
import secrets
import uuid
from decimal import Decimal

from django.db.models import Count

from helhed.core.calendar import COPENHAGEN
from helhed.core.models import User
from helhed.pools import selectors, services
from helhed.pools.models import MonthlyReport
from helhed.register.kommuner import kommunekoder
from helhed.register.models import TargetGroupMember
from helhed.review.models import Programme

AARHUS = 751
DEMO_MUNICIPALITIES = {101, 360, 461, 751}  # the demo staff's municipalities always apply
TOTAL = Decimal("262500000")


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=COPENHAGEN)


def build_pools_demo(*, today: datetime.date) -> None:
    rng = random.Random(2017)
    staff = {u.username: u for u in User.objects.filter(is_demo=True)}
    officer, manager = staff["puljeansvarlig"], staff["jobcenterleder.aarhus"]
    programme = Programme.objects.select_related("result").get(municipality_id=AARHUS)
    result = programme.result

    # The national target group: anonymous members in every other municipality.
    members = []
    for code in kommunekoder():
        if code == AARHUS:
            continue
        n = 5 + int(rng.paretovariate(1.6) * 12)
        members += [TargetGroupMember(result=result, cpr_index=secrets.token_hex(32), municipality_id=code,
                                      figures={}) for _ in range(min(n, 400))]
    TargetGroupMember.objects.bulk_create(members, batch_size=2000)
    counts = dict(result.members.values_list("municipality_id").annotate(n=Count("id")).values_list(
        "municipality_id", "n"))
    result.counts = {str(code): counts.get(code, 0) for code in kommunekoder()}
    result.total = sum(counts.values())
    result.save(update_fields=["counts", "total"])

    start = programme.started_on
    deadline = result.as_of - datetime.timedelta(days=3)
    opens = deadline - datetime.timedelta(days=36)
    pool = services.create_pool(
        actor=officer, name="Flere skal med", legal_basis="Satspuljeaftalen for 2017 (demo)", total=TOTAL,
        period_start=start, period_end=start.replace(year=start.year + 3) - datetime.timedelta(days=1),
        opens_on=opens, deadline=deadline, target_result=result,
        tranches=services.flere_skal_med_schedule(
            start_latest=start + datetime.timedelta(days=60),
            resolved_latest=start + datetime.timedelta(days=540),
            effort_latest=start.replace(year=start.year + 3) - datetime.timedelta(days=1)),
    )

    others = [c for c in kommunekoder() if c not in DEMO_MUNICIPALITIES]
    not_applying = set(rng.sample(others, 9))
    roles = ["caseworker", "job_broker", "mentor", "business_consultant", "social_health"]
    for i, code in enumerate(c for c in kommunekoder() if c not in not_applying):
        fte = [Decimal(rng.randrange(0, 9)) / 2 for _ in roles]
        fte[0] = fte[0] or Decimal("1")
        staffing = [(role, f, (f * Decimal("520000")).quantize(Decimal(1))) for role, f in zip(roles, fte, strict=True)]
        staffing.append(("personlige_jobmidler", Decimal(0), Decimal(rng.randrange(5, 40) * 10000)))
        application, _ = services.submit_application(
            pool=pool, municipality_id=code, actor=manager if code == AARHUS else None,
            contact="Peter Lund" if code == AARHUS else "Jobcenterchefen", staffing=staffing,
            idempotency_key=uuid.UUID(int=rng.getrandbits(128)), now=_at(opens + datetime.timedelta(days=i % 30)),
            description="Flere sagsbehandlere og mentorer, så alle sager kan gennemgås i tide.")
        services.decide_application(application=application, approve=True, reason="", actor=officer,
                                    now=_at(deadline + datetime.timedelta(days=2)))
    services.allocate_pool(pool=pool, actor=officer, now=_at(deadline + datetime.timedelta(days=5)))
    pool.refresh_from_db()
    # The first tranche: proposed by the nightly run, recommended by one officer and approved
    # by the other, as every payout must be. The payouts of today's evaluation wait for a
    # second officer, so the demo shows a proposal to approve.
    approver = staff["puljeansvarlig.godkender"]
    start_day = max(start, (pool.allocated_at.astimezone(COPENHAGEN).date()))
    first = services.evaluate_pool(pool=pool, today=min(start_day, today), now=_at(min(start_day, today), 2))
    if first.batch:
        services.recommend_batch(batch=first.batch, actor=officer, now=_at(start_day, 9))
        services.decide_batch(batch=first.batch, approve=True, actor=approver, now=_at(start_day, 11),
                              reason="Kontrolleret: puljen er fordelt, og perioden er begyndt.")
    if today > start_day:
        services.evaluate_pool(pool=pool, today=today, now=_at(today, 2))

    # Aarhus's report for last month, as the scheduler would have made it.
    from helhed.pools import reports

    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    dashboard = reports.monthly_figures(pool=pool, municipality_id=AARHUS, month=month)
    title = f"Månedsrapport {selectors.month_label(month)}"
    MonthlyReport.objects.create(pool=pool, municipality_id=AARHUS, month=month, figures=dashboard.as_json(),
                                 pdf=reports.dashboard_pdf(dashboard, title=title))

    _ambassadors(officer=officer, manager=manager, today=today)
    _personal_job_means(programme=programme, actor=staff["sagsbehandler.aarhus"], today=today)
    _outcome_extract(pool=pool, officer=officer, today=today, rng=rng)

    # The unclaimed money (the nine that did not apply) goes out again through a follow-up pool.
    available = selectors.available_for_follow_up(pool)
    follow_start = today + datetime.timedelta(days=45)
    services.create_follow_up(
        parent=pool, actor=officer, name="Flere skal med – restpulje", legal_basis=pool.legal_basis,
        total=available, period_start=follow_start, period_end=follow_start.replace(year=follow_start.year + 1),
        opens_on=today - datetime.timedelta(days=10), deadline=today + datetime.timedelta(days=21),
        tranches=services.flere_skal_med_schedule(
            start_latest=follow_start + datetime.timedelta(days=60),
            resolved_latest=follow_start + datetime.timedelta(days=270),
            effort_latest=follow_start.replace(year=follow_start.year + 1)),
    )


def _ambassadors(*, officer: User, manager: User, today: datetime.date) -> None:
    from helhed.pools import ambassadors

    ambassadors.add_ambassador(
        actor=manager, municipality_id=AARHUS, name="Mette Juul", title="Virksomhedskonsulent",
        email="mette.juul@demo.aarhus.example", phone="+45 00 00 00 01",
        results="Småjob på 4-8 timer om ugen i kantiner og genbrugsbutikker til borgere, der har været på "
                "kontanthjælp i mange år.", now=_at(today - datetime.timedelta(days=60)))
    ambassadors.add_ambassador(
        actor=officer, municipality_id=101, name="Ali Hansen", title="Jobkonsulent",
        email="ali.hansen@demo.kk.example", phone="+45 00 00 00 02",
        results="Faste småjob i idrætshaller med en mentor de første uger.",
        now=_at(today - datetime.timedelta(days=40)))


def _personal_job_means(*, programme: Programme, actor: User, today: datetime.date) -> None:
    """Seed 002's "personlige jobmidler": work clothes for the citizen in ordinary hours."""
    from helhed.review import clock
    from helhed.review import services as review
    from helhed.review.models import EffortKind

    case = programme.cases.filter(effort_kind=EffortKind.ORDINARY_HOURS).order_by("number").first()
    if case is not None:
        day = today - datetime.timedelta(days=75)
        with clock.simulated(_at(day)):  # entered on the day it was bought, as the story goes
            review.add_effort(case=case, actor=actor, kind=EffortKind.PERSONLIGE_JOBMIDLER, starts_on=day,
                              ends_on=day, employer="Arbejdstøj og sikkerhedssko")


def _outcome_extract(*, pool, officer: User, today: datetime.date, rng: random.Random) -> None:
    """A later register extract for Aarhus: each member of the demo extract goes on by a story
    (still on kontanthjælp, fleksjob, left benefits, ressourceforløb, moved to Randers)."""
    import csv
    import hashlib
    import io

    from django.core.files.base import ContentFile

    from helhed.pools import outcomes
    from helhed.register.models import RegisterExtract

    as_of = pool.target_result.as_of
    reference = pool.target_result.extract
    with reference.file.open("rb") as handle:
        people = list(csv.DictReader(io.StringIO(handle.read().decode("utf-8"))))
    kh = "kontanthjaelp_aktivitetsparat"
    rows = []
    for n, p in enumerate(people):
        cpr, start = p["cpr"], p["start"]
        turn = (as_of + datetime.timedelta(days=60 + 20 * n)).isoformat()
        after = (as_of + datetime.timedelta(days=61 + 20 * n)).isoformat()
        story = rng.choice(["kh", "fleksjob", "job", "ressourceforloeb", "moved"]) if n else "kh"
        if story == "kh":
            rows.append((cpr, AARHUS, kh, start, ""))
            continue
        rows.append((cpr, AARHUS, kh, start, turn))
        if story == "moved":
            rows.append((cpr, 730, kh, after, ""))
        elif story != "job":
            rows.append((cpr, AARHUS, story, after, ""))
    content = ("cpr,kommunekode,ydelse,start,slut\n" + "".join(f"{c},{k},{y},{a},{b}\n" for c, k, y, a, b in rows)
               ).encode()
    extract = RegisterExtract(original_name="demo-aarhus-opfoelgning.csv",
                              description="Demo: Aarhus, opfølgning (fiktive borgere)",
                              sha256=hashlib.sha256(content).hexdigest(), size=len(content), periods=len(rows),
                              uploaded_by=officer, uploaded_at=_at(today - datetime.timedelta(days=5)))
    extract.file.save("upload.csv", ContentFile(content), save=False)
    extract.save(force_insert=True)
    outcomes.register_extract(pool=pool, extract=extract, data_as_of=today - datetime.timedelta(days=7),
                              actor=officer, today=today)
