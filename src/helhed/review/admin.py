from django.contrib import admin

from helhed.review.models import Measurement, Programme


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(ReadOnly):
    """Programmes are municipal facts (counts, dates); their cases hold health information and
    are not in the admin at all (administrators do not read citizens)."""

    list_display = ["name", "municipality", "rule_name", "as_of", "gross_target_group", "started_on"]
    list_filter = ["municipality__region"]


@admin.register(Measurement)
class MeasurementAdmin(ReadOnly):
    """Stored milestone measures; the evidence lists case numbers, never a citizen."""

    list_display = ["programme", "measure", "period", "numerator", "denominator", "met", "computed_at"]
    list_filter = ["measure"]
