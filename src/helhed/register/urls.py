from django.urls import path

from helhed.register import views

app_name = "register"

urlpatterns = [
    path("", views.index, name="index"),
    path("udtraek/", views.upload, name="upload"),
    path("udtraek/<uuid:extract_id>/koer/", views.run, name="run"),
    path("resultater/<uuid:result_id>/", views.result, name="result"),
    path("resultater/<uuid:result_id>/kommuner.csv", views.result_counts_csv, name="result_counts_csv"),
    path("resultater/<uuid:result_id>/borgere/", views.members, name="members"),
]
