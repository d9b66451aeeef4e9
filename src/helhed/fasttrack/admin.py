"""Administration of the Kvik-linje: organisations (with their staff), keys (the secret is
shown once, on the page after saving), consents and questions (read-only here)."""

import datetime

from django import forms
from django.contrib import admin
from django.db.models import Max
from django.template.response import TemplateResponse
from django.utils import timezone

from helhed.core.admin import ReadOnlyAdmin
from helhed.core.forms import DanishIntegerField
from helhed.fasttrack import services
from helhed.fasttrack.models import ApiKey, Consent, KeyScope, Organisation, Question


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "municipality", "members"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not self.errors:
            services.check_organisation(name=cleaned["name"], kind=cleaned["kind"],
                                        municipality_id=getattr(cleaned.get("municipality"), "pk", None))
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "kind", "municipality", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    # Plain multiple select: Django's filter widget has ARIA that axe-core rejects.
    filter_horizontal = ()

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # Registered by the service, with the user that names it in the read audit.
        organisation = services.create_organisation(name=obj.name, kind=obj.kind, municipality_id=obj.municipality_id)
        obj.pk, obj._state.adding = organisation.pk, False
        obj.refresh_from_db()


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

    def clean(self):
        cleaned = super().clean()
        if "scope_choices" in cleaned:
            self.instance.scopes = services.clean_scopes(cleaned["scope_choices"])
        if not self.instance.pk and cleaned.get("expires_at"):
            services.check_expiry(cleaned["expires_at"])
        return cleaned


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
        if change:
            return super().save_model(request, obj, form, change)
        # A new key is issued by the service, as the command and the demo issue theirs.
        key, secret = services.create_key(
            organisation=obj.organisation, name=obj.name, scopes=obj.scopes.split(), expires_at=obj.expires_at,
            rate_limit_per_minute=obj.rate_limit_per_minute, actor=request.user)
        obj.pk, obj._state.adding = key.pk, False
        obj.refresh_from_db()
        request._fasttrack_secret = secret  # shown once on the next page, never stored

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
class ConsentAdmin(ReadOnlyAdmin):
    """Read-only, and without the citizen: consents are registered on the citizen's page, where
    the citizen is identified and the read is logged, and revoked there or by the citizen."""

    list_display = ["organisation", "kind", "scopes", "valid_from", "valid_until", "given_via", "revoked_at"]
    list_filter = ["organisation", "kind", "given_via"]
    fields = ["organisation", "kind", "scopes", "valid_from", "valid_until", "given_via", "registered_at",
              "registered_by", "revoked_at", "revoked_by"]
    readonly_fields = fields


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    """Read-only, and without the citizen, the case and the texts (personal data): a question
    is answered in Udbetaling Danmark's work queue."""

    list_display = ["organisation", "asked_at", "due_on", "status"]
    list_filter = ["status", "organisation"]
    fields = ["organisation", "key", "asked_at", "due_on", "status", "answered_at", "answered_by"]
    readonly_fields = fields
