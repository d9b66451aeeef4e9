from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "helhed.intake"
    label = "intake"
    verbose_name = "Ansøgninger"

    def ready(self):
        from helhed.intake import (
            rules,  # noqa: F401  (registers the permissions)
            selectors,
        )
        from helhed.registry.overview import OverviewSection, register_overview_section

        register_overview_section(OverviewSection(
            key="intake", title="Ansøgninger", template="intake/_overview_applications.html",
            what="Ansøgninger", load=selectors.overview_applications,
        ))
        register_overview_section(OverviewSection(
            key="intake_support", title="Særlige behov, fuldmagt og Digital Post",
            template="intake/_overview_support.html",
            what="Helhedsvurdering, fuldmagter, henvisninger",
            load=selectors.overview_support,
        ))
        register_overview_section(OverviewSection(
            key="intake_guidance", title="Vejledning fra Udbetaling Danmark",
            template="intake/_overview_guidance.html",
            what="Vejledning fra UDK", load=selectors.guidance_section,
        ))
