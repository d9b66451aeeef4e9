from django.contrib import admin

from helhed.pools.models import Allocation, Application, Forfeiture, Payout, Pool


class ReadOnly(admin.ModelAdmin):
    """Pools hold money decisions with their evidence: they change only through the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pool)
class PoolAdmin(ReadOnly):
    list_display = ["name", "total", "period_start", "deadline", "allocated_at"]


@admin.register(Application)
class ApplicationAdmin(ReadOnly):
    list_display = ["pool", "municipality", "status", "submitted_at"]
    list_filter = ["status"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnly):
    list_display = ["pool", "municipality", "count", "amount", "applied"]


@admin.register(Payout)
class PayoutAdmin(ReadOnly):
    list_display = ["tranche", "municipality", "amount", "met_on", "rule_version"]


@admin.register(Forfeiture)
class ForfeitureAdmin(ReadOnly):
    list_display = ["tranche", "municipality", "amount", "met_on", "rule_version"]
