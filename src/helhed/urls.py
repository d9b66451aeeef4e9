from django.contrib import admin
from django.urls import include, path

from helhed.api import api
from helhed.core.views import healthz

admin.site.site_header = "helhed administration"
admin.site.site_title = "helhed"
admin.site.index_title = "Brugere, roller og kommuner"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("demo/", include("helhed.demo.urls")),
    path("register/", include("helhed.register.urls")),
    path("kontantadgang/", include("helhed.cashaccess.urls")),
    path("gennemgang/", include("helhed.review.urls")),
    path("borgerservice/", include("helhed.borgerservice.urls")),
    path("sager/", include("helhed.casework.urls")),
    path("ansoegninger/", include("helhed.intake.urls")),
    path("puljer/", include("helhed.pools.urls")),
    path("kvik-linje/", include("helhed.fasttrack.urls")),
    path("", include("helhed.registry.urls")),
    path("", include("helhed.core.urls")),
]

handler400 = "helhed.core.views.error_400"
handler403 = "helhed.core.views.error_403"
handler404 = "helhed.core.views.error_404"
handler500 = "helhed.core.views.error_500"
