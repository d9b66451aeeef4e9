from django.apps import AppConfig


class CashAccessConfig(AppConfig):
    name = "helhed.cashaccess"
    label = "cashaccess"
    verbose_name = "Kontantadgang"

    def ready(self):
        from helhed.cashaccess import selectors
        from helhed.registry.overview import OverviewSection, register_overview_section

        register_overview_section(OverviewSection(
            key="cashaccess", title="Kontantadgang", template="cashaccess/_overview.html",
            what="Kontantordninger og udleveringer", load=selectors.overview_section,
        ))
