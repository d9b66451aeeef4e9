from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "helhed.review"
    label = "review"
    verbose_name = "Gennemgang af sager"

    def ready(self):
        from helhed.registry.overview import OverviewSection, register_overview_section
        from helhed.review import (
            rules,  # noqa: F401  (registers the permissions)
            selectors,
        )

        register_overview_section(OverviewSection(
            key="review", title="Gennemgang af sagen", template="review/_overview.html",
            what="Gennemgang: afklaring, visitation og indsatser", load=selectors.overview_section,
        ))
