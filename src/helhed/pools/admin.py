from django.contrib import admin

from helhed.core.admin import ReadOnlyAdmin
from helhed.pools.models import Allocation, Ambassador, Application, Forfeiture, Payout, Pool

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
    list_display = ["tranche", "municipality", "amount", "met_on", "rule_version"]


@admin.register(Forfeiture)
class ForfeitureAdmin(ReadOnlyAdmin):
    list_display = ["tranche", "municipality", "amount", "met_on", "rule_version"]


@admin.register(Ambassador)
class AmbassadorAdmin(ReadOnlyAdmin):
    # Added and withdrawn through the service (who, when and why), never edited here.
    list_display = ["name", "municipality", "title", "email", "added_at", "withdrawn_at"]
    list_filter = ["municipality"]
    search_fields = ["name", "email"]
