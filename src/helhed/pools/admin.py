from django.contrib import admin

from helhed.core.admin import ReadOnlyAdmin
from helhed.pools.models import (
    Allocation,
    Ambassador,
    Application,
    BatchLine,
    DecisionBatch,
    Forfeiture,
    Payout,
    Pool,
    TrancheNotice,
)

# Pools hold money decisions with their evidence: they change only through the services.


@admin.register(Pool)
class PoolAdmin(ReadOnlyAdmin):
    list_display = ["name", "total", "period_start", "deadline", "allocated_at"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["pool", "municipality", "status", "submitted_at"]
    list_filter = ["status"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["pool", "municipality", "count", "amount", "applied"]


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["tranche", "municipality", "amount", "met_on", "rule_version", "batch"]


@admin.register(Forfeiture)
class ForfeitureAdmin(ReadOnlyAdmin):
    list_display = ["tranche", "municipality", "amount", "met_on", "rule_version"]


@admin.register(Ambassador)
class AmbassadorAdmin(ReadOnlyAdmin):
    # Added and withdrawn through the service (who, when and why), never edited here.
    list_display = ["name", "municipality", "title", "email", "added_at", "withdrawn_at"]
    list_filter = ["municipality"]
    search_fields = ["name", "email"]
@admin.register(DecisionBatch)
class DecisionBatchAdmin(ReadOnlyAdmin):
    list_display = ["pool", "as_of", "status", "proposed_at", "recommended_by", "decided_by"]
    list_filter = ["status"]


@admin.register(BatchLine)
class BatchLineAdmin(ReadOnlyAdmin):
    list_display = ["batch", "tranche", "municipality", "outcome", "amount", "met_on", "open"]


@admin.register(TrancheNotice)
class TrancheNoticeAdmin(ReadOnlyAdmin):
    list_display = ["tranche", "municipality", "kind", "sent_on", "answer_by", "answered_at"]
    list_filter = ["kind"]
