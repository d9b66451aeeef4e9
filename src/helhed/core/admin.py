from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from helhed.core.models import ApiToken, AuditRecord, JobRun, Municipality, StaffGroupRole, User
from helhed.core.services import revoke_api_token

# Access comes from each user's role and municipalities (helhed.core.roles and rules), never
# from Django's groups: a group edited by hand would grant nothing, or something unaudited.
admin.site.unregister(Group)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active", "is_demo"]
    list_filter = ["role", "is_active", "is_demo", "municipalities__region"]
    # Plain multiple selects: Django's filter widget has ARIA that axe-core rejects.
    filter_horizontal = ()
    readonly_fields = ["is_demo", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Rolle og adgang", {"fields": ("role", "municipalities", "organisation", "is_active", "is_demo")}),
        ("Administration", {"fields": ("is_staff", "is_superuser"), "classes": ["collapse"]}),
        ("Datoer", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {
            "classes": ["wide"],
            "fields": ("username", "password1", "password2", "role", "municipalities", "organisation"),
        }),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through the services, or never: shown, not edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    """Read-only: the log can be inspected here, never changed or deleted."""

    list_display = ["at", "actor_name", "actor_role", "actor_organisation", "citizen_uuid", "what", "channel"]
    list_filter = ["actor_role", "channel"]
    search_fields = ["citizen_uuid", "actor_name", "request_id"]
    date_hierarchy = "at"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # made with `helhed create_api_token`, which shows the secret once

    @admin.action(description="Tilbagekald de valgte API-nøgler")
    def revoke(self, request, queryset):
        for token in queryset:
            revoke_api_token(token=token)


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    """Read-only: the runs of ``helhed worker``'s scheduled jobs, as the worker recorded them."""

    list_display = ["job", "scheduled_for", "started_at", "finished_at", "outcome", "message", "host"]
    list_filter = ["job", "outcome"]
    search_fields = ["job", "message", "host"]
    date_hierarchy = "scheduled_for"


@admin.register(StaffGroupRole)
class StaffGroupRoleAdmin(admin.ModelAdmin):
    """The mapping from the organisation's login groups to roles (helhed.core.oidc.staff_access)."""

    list_display = ["group", "role", "organisation"]
    list_filter = ["role"]
    search_fields = ["group", "organisation"]
    filter_horizontal = ()
