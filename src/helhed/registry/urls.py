from django.urls import path

from helhed.registry import views

app_name = "registry"

urlpatterns = [
    path("borgere/", views.search, name="search"),
    path("borgere/<uuid:citizen_id>/", views.overview, name="overview"),
    path("borgere/<uuid:citizen_id>/nemkonto/", views.nemkonto, name="nemkonto"),
    path("mit/", views.my_data, name="my_data"),
    path("mit/log/", views.my_log, name="my_log"),
]
