"""Grant pools in the demo universe: the "Flere skal med" pool of 262.5 million DKK.

Seed 002: 262.5 million DKK, three tranches (30 % at the start, 40 % when the whole gross
target group is afklaret og visiteret, 30 % when 40 % have been in virksomhedsrettet indsats
for three consecutive months); 89 municipalities applied and 9 did not (DOMAIN.md, facts).
The dates follow the demo's ``today`` so the pool runs alongside the Aarhus review programme.

The pool's target group is the review demo's register result for Aarhus, made national by
adding anonymous members (random blind indexes that belong to nobody) for the other 97
municipalities, at about a tenth of the real 27,000. Every municipality but nine applies and
is approved; the pool is allocated, the first tranche is paid, a monthly report is made for
Aarhus, and a follow-up pool for the unclaimed money is open for applications.
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
from helhed.pools import services
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
    from helhed.pools import reports, selectors

    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    dashboard = selectors.dashboard_figures(pool=pool, municipality_id=AARHUS, today=today)
    title = f"Månedsrapport {selectors.month_label(month)}"
    MonthlyReport.objects.create(pool=pool, municipality_id=AARHUS, month=month, figures=dashboard.as_json(),
                                 pdf=reports.dashboard_pdf(dashboard, title=title))

    # The unclaimed money (the nine that did not apply) goes out again through a follow-up pool.
    available = services.available_for_follow_up(pool)
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
