from django.contrib import admin

from helhed.register.models import RegisterExtract, TargetGroupResult


@admin.register(RegisterExtract)
class RegisterExtractAdmin(admin.ModelAdmin):
    """Read-only: extracts are uploaded and checked through the register pages."""

    list_display = ["original_name", "description", "periods", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["original_name", "description", "sha256", "size", "periods", "uploaded_by", "uploaded_at",
                       "checked_name", "checked_source_sha256", "checked_sha256", "checked_rows", "checked_persons",
                       "check_version", "checked_on"]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TargetGroupResult)
class TargetGroupResultAdmin(admin.ModelAdmin):
    """Read-only and without members: the administrator reads no citizen data."""

    list_display = ["rule_name", "rule_version", "as_of", "total", "created_by", "created_at"]
    list_filter = ["rule_name"]
    readonly_fields = ["extract", "rule_name", "rule_version", "parameters", "input_sha256", "as_of", "counts",
                       "total", "periods_read", "seconds", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
