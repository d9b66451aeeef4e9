from django.contrib import admin

from helhed.registry.models import ExplainLetterLine


@admin.register(ExplainLetterLine)
class ExplainLetterLineAdmin(admin.ModelAdmin):
    list_display = ["municipality", "language", "text"]
    list_filter = ["language"]
