from django.contrib import admin

from helhed.core.admin import ReadOnlyAdmin
from helhed.review.models import Measurement, Programme, RegisterImport


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


@admin.register(RegisterImport)
class RegisterImportAdmin(ReadOnlyAdmin):
    """Register extracts read into a programme: file name, hash, date and counts, never a period."""

    list_display = ["programme", "original_name", "extract_on", "members_found", "imported_by_name", "imported_at"]
    readonly_fields = ["sha256"]
