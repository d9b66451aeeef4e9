from django.apps import AppConfig


class BorgerserviceConfig(AppConfig):
    name = "helhed.borgerservice"
    label = "borgerservice"
    verbose_name = "Borgerservice"

    def ready(self):
        from helhed.borgerservice import selectors
        from helhed.registry.overview import OverviewSection, register_overview_section

        register_overview_section(OverviewSection(
            key="borgerservice", title="Borgerservice: tider og digital hjælp",
            template="borgerservice/_overview.html",
            what="Tider i Borgerservice og ansigt-til-ansigt-hjælp", load=selectors.overview_section,
        ))
