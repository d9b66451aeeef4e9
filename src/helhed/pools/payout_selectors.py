"""Reads of the two-officer payout flow: an evaluation's proposals (``DecisionBatch``) for the
pool officers, and the payout orders a municipality has received. Kept apart from
``selectors`` (the progress figures) because these are money decisions, not statistics."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

import rules
from django.db.models import Count, Q, Sum
from django.http import Http404

from helhed.core.formats import kroner
from helhed.core.models import User
from helhed.pools.models import BatchLine, DecisionBatch, Forfeiture, LineOutcome, Payout, Pool, TrancheNotice
from helhed.pools.selectors import get_municipality


def batches(*, user: User, pool: Pool) -> list[DecisionBatch]:
    """The pool's proposals, newest first, with their totals; pool officers only."""
    if not rules.has_perm("pools.manage_pools", user):
        return []
    return list(pool.batches.select_related("proposed_by", "recommended_by", "decided_by").annotate(
        n_pay=Count("lines", filter=Q(lines__outcome=LineOutcome.PAY)),
        n_forfeit=Count("lines", filter=Q(lines__outcome=LineOutcome.FORFEIT)),
        pay_total=Sum("lines__amount", filter=Q(lines__outcome=LineOutcome.PAY)),
        forfeit_total=Sum("lines__amount", filter=Q(lines__outcome=LineOutcome.FORFEIT))))


@dataclass
class BatchView:
    batch: DecisionBatch
    lines: list[BatchLine]
    orders: list[Payout]

    @property
    def pay_total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.outcome == LineOutcome.PAY), Decimal(0))

    @property
    def forfeit_total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.outcome == LineOutcome.FORFEIT), Decimal(0))

    @property
    def pay_text(self) -> str:
        return kroner(self.pay_total)

    @property
    def forfeit_text(self) -> str:
        return kroner(self.forfeit_total)


def get_batch(*, user: User, batch_id: UUID) -> BatchView:
    if not rules.has_perm("pools.manage_pools", user):
        raise Http404("Forslaget findes ikke.")
    batch = (DecisionBatch.objects.select_related("pool", "proposed_by", "recommended_by", "decided_by")
             .filter(pk=batch_id).first())
    if batch is None:
        raise Http404("Forslaget findes ikke.")
    lines = list(batch.lines.select_related("tranche", "municipality").order_by("municipality__name",
                                                                                  "tranche__number"))
    orders = list(batch.payouts.select_related("tranche", "municipality").order_by("municipality__name",
                                                                                   "tranche__number"))
    return BatchView(batch, lines, orders)


def payout_orders(*, user: User, pool: Pool, code: int) -> list[Payout]:
    """The approved payouts of a pool to one municipality: its payout orders."""
    get_municipality(user=user, pool=pool, code=code)
    return list(Payout.objects.filter(tranche__pool=pool, municipality_id=code, batch__isnull=False)
                .select_related("tranche", "batch").order_by("tranche__number"))


def get_payout(*, user: User, payout_id: UUID) -> Payout:
    payout = (Payout.objects.select_related("tranche__pool", "municipality", "batch__recommended_by",
                                            "batch__decided_by")
              .filter(pk=payout_id, batch__isnull=False).first())
    if payout is None or not rules.has_perm("pools.view_municipality", user, payout.municipality_id):
        raise Http404("Udbetalingen findes ikke.")
    return payout


def notices(*, user: User, pool: Pool, code: int) -> list[TrancheNotice]:
    """The notices and hearings a municipality has received about the pool's tranches."""
    get_municipality(user=user, pool=pool, code=code)
    return list(TrancheNotice.objects.filter(tranche__pool=pool, municipality_id=code)
                .select_related("tranche").order_by("sent_on", "tranche__number", "kind"))


def forfeitures(*, user: User, pool: Pool, code: int) -> list[Forfeiture]:
    """The approved forfeitures of a municipality: each has a decision letter."""
    get_municipality(user=user, pool=pool, code=code)
    return list(Forfeiture.objects.filter(tranche__pool=pool, municipality_id=code, batch__isnull=False)
                .select_related("tranche", "batch").order_by("tranche__number"))


def get_hearing(*, user: User, hearing_id: UUID) -> TrancheNotice:
    hearing = TrancheNotice.objects.select_related("tranche__pool").filter(pk=hearing_id).first()
    if hearing is None or not rules.has_perm("pools.view_municipality", user, hearing.municipality_id):
        raise Http404("Partshøringen findes ikke.")
    return hearing


def get_forfeiture(*, user: User, forfeiture_id: int) -> Forfeiture:
    forfeiture = (Forfeiture.objects.select_related("tranche__pool", "municipality", "batch__decided_by")
                  .filter(pk=forfeiture_id, batch__isnull=False).first())
    if forfeiture is None or not rules.has_perm("pools.view_municipality", user, forfeiture.municipality_id):
        raise Http404("Afgørelsen findes ikke.")
    return forfeiture
