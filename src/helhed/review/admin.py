from django.contrib import admin

from helhed.core.admin import ReadOnlyAdmin
from helhed.review.models import Measurement, Programme


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    """Programmes are municipal facts (counts, dates); their cases hold health information and
    are not in the admin at all (administrators do not read citizens)."""

    list_display = ["name", "municipality", "rule_name", "as_of", "gross_target_group", "started_on"]
    list_filter = ["municipality__region"]


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdmin):
    """Stored milestone measures; the evidence lists case numbers, never a citizen."""

    list_display = ["programme", "measure", "period", "numerator", "denominator", "met", "computed_at"]
    list_filter = ["measure"]
