from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "helhed.casework"
    label = "casework"
    verbose_name = "Sagsbehandling"

    def ready(self):
        from helhed.casework import (
            rules,  # noqa: F401  (registers the permissions)
            selectors,
        )
        from helhed.registry.overview import OverviewSection, register_overview_section

        register_overview_section(OverviewSection(
            key="casework", title="Sager og breve", template="casework/_overview.html",
            what="Sager, frister og breve", load=selectors.overview_section,
        ))
