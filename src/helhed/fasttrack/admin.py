"""Administration of the Kvik-linje: organisations (with their staff), keys (the secret is
shown once, on the page after saving), consents and questions (read-only here)."""

import datetime

from django import forms
from django.contrib import admin
from django.db.models import Max
from django.template.response import TemplateResponse
from django.utils import timezone

from helhed.core.forms import DanishIntegerField
from helhed.fasttrack import services
from helhed.fasttrack.models import ApiKey, Consent, KeyScope, Organisation, Question


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    # Plain multiple select: Django's filter widget has ARIA that axe-core rejects.
    filter_horizontal = ()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.audit_actor = services.new_audit_actor(name=obj.name, kind=obj.kind,
                                                       municipality_id=obj.municipality_id)
        super().save_model(request, obj, form, change)


class ApiKeyForm(forms.ModelForm):
    scope_choices = forms.MultipleChoiceField(label="Rettigheder", choices=KeyScope.choices,
                                              widget=forms.CheckboxSelectMultiple)
    rate_limit_per_minute = DanishIntegerField(label="Kald pr. minut", min_value=0, initial=120,
                                               what="antallet af kald")

    class Meta:
        model = ApiKey
        fields = ["organisation", "name", "rate_limit_per_minute", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["scope_choices"].initial = self.instance.scopes.split()
        else:
            self.fields["expires_at"].initial = timezone.now() + timezone.timedelta(days=services.DEFAULT_KEY_DAYS)

    def save(self, commit=True):
        self.instance.scopes = services.clean_scopes(self.cleaned_data["scope_choices"])
        return super().save(commit)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "prefix", "organisation", "scopes", "expires_at", "revoked_at", "last_used"]
    list_filter = ["organisation"]
    readonly_fields = ["prefix", "created_at", "created_by", "revoked_at", "last_used"]
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(last_minute=Max("usage__minute"))

    @admin.display(description="sidst brugt", ordering="last_minute")
    def last_used(self, obj):
        # From the same counter rows as the organisation's page (selectors.key_rows).
        minute = getattr(obj, "last_minute", None)
        if minute is None:
            minute = obj.usage.aggregate(m=Max("minute"))["m"]
        return datetime.datetime.fromtimestamp(minute * 60, tz=datetime.UTC) if minute is not None else "Aldrig"

    def save_model(self, request, obj, form, change):
        if not change:
            secret, obj.prefix, obj.key_hash = services.new_secret()
            obj.created_by = request.user
            request._fasttrack_secret = secret  # shown once on the next page, never stored
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "_fasttrack_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return TemplateResponse(request, "fasttrack/admin_key_created.html", {
            **self.admin_site.each_context(request), "key": obj, "secret": secret, "title": "Ny Kvik-linje-nøgle",
        })

    @admin.action(description="Tilbagekald de valgte nøgler")
    def revoke(self, request, queryset):
        for key in queryset:
            services.revoke_key(key=key)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "scopes", "valid_from", "valid_until", "given_via", "revoked_at"]
    list_filter = ["organisation", "kind", "given_via"]
    readonly_fields = ["citizen", "organisation", "kind", "scopes", "valid_from", "valid_until", "given_via",
                       "registered_at",
                       "registered_by", "revoked_at", "revoked_by"]

    def has_add_permission(self, request):
        return False  # registered by staff on the citizen's page, where the citizen is identified


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["subject", "organisation", "asked_at", "due_on", "status"]
    list_filter = ["status", "organisation"]
    readonly_fields = ["organisation", "key", "case", "citizen", "subject", "body", "asked_at", "due_on", "status",
                       "answer", "answered_at", "answered_by", "task"]

    def has_add_permission(self, request):
        return False
