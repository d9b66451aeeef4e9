from django.urls import path

from helhed.fasttrack import views

app_name = "fasttrack"

urlpatterns = [
    path("", views.index, name="index"),
    path("udk/", views.queue, name="queue"),
    path("opslag/<uuid:citizen_id>/", views.citizen, name="citizen"),
    path("mine-samtykker/", views.my_consents, name="my_consents"),
    path("spoergsmaal/<uuid:question_id>/", views.question, name="question"),
    path("borgere/<uuid:citizen_id>/samtykke/", views.consent_create, name="consent_create"),
    path("samtykke/<uuid:consent_id>/tilbagekald/", views.consent_revoke, name="consent_revoke"),
]
