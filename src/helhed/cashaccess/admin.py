from django.contrib import admin

from helhed.cashaccess.models import Handout, Solution
from helhed.core.admin import ReadOnlyAdmin


@admin.register(Solution)
class SolutionAdmin(admin.ModelAdmin):
    """Solutions are municipal facts, not personal data: administrators may correct them."""

    list_display = ["name", "municipality", "kind", "provider", "starts_on", "ends_on"]
    list_filter = ["kind", "municipality__region"]
    search_fields = ["name", "provider", "municipality__name"]


@admin.register(Handout)
class HandoutAdmin(ReadOnlyAdmin):
    """Read-only, like the read log: a hand-out can be neither changed nor deleted. Only the
    arrangement's id is listed, never the citizen (administrators do not read citizens)."""

    list_display = ["handed_out_on", "kind", "amount", "staff_name", "acknowledgement", "arrangement_id"]
    list_filter = ["kind", "acknowledgement"]
    fields = ["handed_out_on", "kind", "amount", "card", "staff_name", "acknowledgement", "created_at"]
    readonly_fields = fields
