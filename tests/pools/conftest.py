import datetime
import uuid
from decimal import Decimal

import pytest

from helhed.core.calendar import COPENHAGEN
from helhed.core.cpr import cpr_blind_index
from helhed.core.roles import Role
from helhed.pools import services
from helhed.pools.models import MilestoneKind
from helhed.register.models import RegisterExtract, TargetGroupMember, TargetGroupResult
from tests.factories import UserFactory

TODAY = datetime.date(2026, 11, 24)
OPENS = datetime.date(2026, 1, 5)
DEADLINE = datetime.date(2026, 2, 15)
START = datetime.date(2026, 3, 1)
IN_WINDOW = datetime.datetime(2026, 2, 1, 10, 0, tzinfo=COPENHAGEN)
AFTER_DEADLINE = datetime.datetime(2026, 2, 20, 10, 0, tzinfo=COPENHAGEN)
STAFFING = [("caseworker", Decimal("2.5"), Decimal("1250000.00")), ("mentor", Decimal("1"), Decimal("450000"))]


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.POOL_OFFICER, organisation="STAR", first_name="Jonas", last_name="Friis")


@pytest.fixture
def aarhus_manager(db):
    return UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751], first_name="Peter", last_name="Lund")


@pytest.fixture
def kbh_manager(db):
    return UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[101], first_name="Mia", last_name="Berg")


def make_result(user, counts: dict[int, int], *, cprs: dict[int, list[str]] | None = None,
                as_of=datetime.date(2025, 12, 31)) -> TargetGroupResult:
    """A register result with ``counts`` members per municipality (anonymous blind indexes),
    plus the members with the given CPR numbers."""
    cprs = cprs or {}
    extract = RegisterExtract.objects.create(file="register/extracts/x.csv", original_name="x.csv", sha256="0" * 64,
                                             size=1, periods=1, uploaded_by=user)
    total = {code: counts.get(code, 0) + len(cprs.get(code, [])) for code in set(counts) | set(cprs)}
    result = TargetGroupResult.objects.create(
        extract=extract, rule_name="flere-skal-med-2017", rule_version="1", parameters={}, input_sha256="0" * 64,
        as_of=as_of, counts={str(k): v for k, v in total.items()}, total=sum(total.values()), periods_read=1,
        seconds=0.0, created_by=user)
    members = [TargetGroupMember(result=result, cpr_index=uuid.uuid4().hex * 2, municipality_id=code, figures={})
               for code, n in counts.items() for _ in range(n)]
    members += [TargetGroupMember(result=result, cpr_index=cpr_blind_index(cpr.replace("-", "")),
                                  municipality_id=code, figures={}) for code, lst in cprs.items() for cpr in lst]
    TargetGroupMember.objects.bulk_create(members)
    return result


def schedule(*, start_latest=datetime.date(2026, 4, 30), resolved_latest=datetime.date(2026, 9, 30),
             effort_latest=datetime.date(2026, 12, 31), threshold="40", months=3):
    return [
        services.TrancheSpec(Decimal("30"), MilestoneKind.AT_START, start_latest),
        services.TrancheSpec(Decimal("40"), MilestoneKind.ALL_RESOLVED, resolved_latest),
        services.TrancheSpec(Decimal("30"), MilestoneKind.EFFORT_SHARE, effort_latest, Decimal(threshold), months),
    ]


def make_pool(officer, result, *, total=Decimal("262500000"), deadline=DEADLINE, **kwargs):
    return services.create_pool(
        actor=officer, name=kwargs.pop("name", "Flere skal med"), legal_basis="§ 17.46.08.10", total=total,
        period_start=START, period_end=datetime.date(2028, 12, 31), opens_on=OPENS, deadline=deadline,
        target_result=result, tranches=kwargs.pop("tranches", None) or schedule(), **kwargs)


def apply(pool, code, user=None, *, now=IN_WINDOW, key=None):
    return services.submit_application(pool=pool, municipality_id=code, actor=user, contact="Kontakt Person",
                                       staffing=STAFFING, idempotency_key=key or uuid.uuid4(), now=now)[0]


def approve(application, officer, now=IN_WINDOW):
    return services.decide_application(application=application, approve=True, reason="", actor=officer, now=now)


def allocated_pool(officer, manager, *, counts=None, tranches=None, total=Decimal("1000000"), in_order=True):
    """A pool of ``total`` kroner with Aarhus (3 members, its review programme made) and
    Copenhagen approved, allocated on 20 February 2026."""
    from helhed.review import services as review

    result = make_result(officer, counts or {751: 3, 101: 3})
    pool = make_pool(officer, result, total=total, tranches=tranches, tranches_in_order=in_order)
    for code in (751, 101):
        approve(apply(pool, code), officer)
    services.allocate_pool(pool=pool, actor=officer, now=AFTER_DEADLINE)
    pool.refresh_from_db()
    programme = review.create_programme(actor=manager, result=result, municipality_id=751, name="Program",
                                        started_on=START)
    return pool, programme


def on_benefit(programme, since=datetime.date(2020, 1, 1)):
    from helhed.review.models import BenefitPeriod

    for case in programme.cases.all():
        BenefitPeriod.objects.create(case=case, ydelse="kontanthjaelp_aktivitetsparat", starts_on=since)


def _entered(day, entered_on=None):
    """The moment a fact was entered: on its own day unless ``entered_on`` says otherwise."""
    return datetime.datetime.combine(entered_on or day, datetime.time(12), tzinfo=COPENHAGEN)


def in_effort(case, starts_on, ends_on=None, kind="praktik", *, entered_on=None):
    from helhed.review.models import Effort

    Effort.objects.create(case=case, kind=kind, starts_on=starts_on, ends_on=ends_on,
                          created_at=_entered(starts_on, entered_on))


def resolve(case, on, *, closed=False, entered_on=None):
    """The case resolved on ``on``, the change entered on ``entered_on`` (default: the same day)."""
    from helhed.review.models import CaseEvent, Status

    to = Status.CLOSED if closed else Status.VISITERET
    type(case).objects.filter(pk=case.pk).update(status=to, **({"closed_on": on} if closed else {"visiteret_on": on}))
    CaseEvent.objects.create(case=case, on=on, at=_entered(on, entered_on), actor_name="test",
                             from_status=case.status, to_status=to, text="Status")


def two_officers():
    from helhed.core.models import User

    return [User.objects.filter(username=name).first() or UserFactory(username=name, role=Role.POOL_OFFICER)
            for name in ("indstiller", "godkender")]


def answer_hearings(pool, today, answer="Kommunen har ingen bemærkninger."):
    """The municipalities answer every open hearing of ``pool`` on ``today``."""
    from helhed.core.calendar import end_of_day
    from helhed.pools.models import NoticeKind, TrancheNotice

    for hearing in TrancheNotice.objects.filter(tranche__pool=pool, kind=NoticeKind.HEARING, answer=""):
        services.answer_hearing(hearing=hearing, answer=answer, actor=None, now=end_of_day(today))


def evaluate(pool, today, *, approve=True, hearings_answered=True):
    """Evaluate as the nightly run does on ``today``. Unless told not to, the municipalities
    answer any hearing at once and the evaluation runs again the same day (so a forfeiture is
    proposed on ``today``), and one officer recommends each proposal and another approves it."""
    from helhed.core.calendar import end_of_day

    summaries = [services.evaluate_pool(pool=pool, today=today, now=end_of_day(today))]
    if hearings_answered and summaries[0].hearings:
        answer_hearings(pool, today)
        summaries.append(services.evaluate_pool(pool=pool, today=today, now=end_of_day(today)))
    for summary in summaries:
        if approve and summary.batch:
            first, second = two_officers()
            services.recommend_batch(batch=summary.batch, actor=first, now=end_of_day(today))
            services.decide_batch(batch=summary.batch, approve=True, reason="Kontrolleret.", actor=second,
                                  now=end_of_day(today))
    total = summaries[0]
    for later in summaries[1:]:
        total.to_pay += later.to_pay
        total.to_forfeit += later.to_forfeit
        total.waiting = later.waiting
        total.batch = later.batch or total.batch
    return total
