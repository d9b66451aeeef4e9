from django.apps import AppConfig


class FasttrackConfig(AppConfig):
    name = "helhed.fasttrack"
    label = "fasttrack"
    verbose_name = "Kvik-linje"

    def ready(self):
        from django.db.models.signals import m2m_changed

        from helhed.api import api
        from helhed.core.access import on_m2m_change
        from helhed.fasttrack import rules  # noqa: F401  (registers the permissions)
        from helhed.fasttrack.auth import RateLimited, rate_limited
        from helhed.fasttrack.models import Organisation
        from helhed.fasttrack.selectors import consent_section
        from helhed.registry.overview import OverviewSection, register_overview_section

        m2m_changed.connect(on_m2m_change, sender=Organisation.members.through, dispatch_uid="access-organisations")
        api.add_exception_handler(RateLimited, rate_limited)
        register_overview_section(OverviewSection(
            key="fasttrack", title="Samtykker til organisationer (Kvik-linjen)",
            template="fasttrack/_overview.html", what="Samtykker til Kvik-linjen", load=consent_section))
