from django.contrib import admin

from helhed.borgerservice.models import AcuteReason, OutboxMessage, ServicePoint, ServiceType
from helhed.core.admin import ReadOnlyAdmin


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    """The services a service point can offer: national defaults and each municipality's own."""

    list_display = ["name", "code", "municipality"]
    search_fields = ["name", "code"]


@admin.register(AcuteReason)
class AcuteReasonAdmin(admin.ModelAdmin):
    """The configurable list of acute reasons (seed 003)."""

    list_display = ["label", "code", "within_days", "requires_description", "municipality", "position"]


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    """Service points are municipal facts, not personal data."""

    list_display = ["name", "municipality", "kind", "mode"]
    list_filter = ["kind", "mode"]
    search_fields = ["name", "municipality__name"]
    readonly_fields = ["version"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Delivery status only: recipient and text are personal data and are not shown."""

    list_display = ["created_at", "channel", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["channel", "status"]
    fields = ["created_at", "channel", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields
