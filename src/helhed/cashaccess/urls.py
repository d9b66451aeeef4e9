from django.urls import path

from helhed.cashaccess import views

app_name = "cashaccess"

urlpatterns = [
    path("loesninger/", views.solutions, name="solutions"),
    path("loesninger/ny/", views.solution_form, name="solution_new"),
    path("loesninger/<uuid:solution_id>/", views.solution_form, name="solution_edit"),
    path("ordninger/", views.arrangements, name="arrangements"),
    path("ordninger/<uuid:arrangement_id>/", views.arrangement, name="arrangement"),
    path("ordninger/<uuid:arrangement_id>/udlevering/", views.handout_create, name="handout_create"),
    path("ordninger/<uuid:arrangement_id>/status/", views.status_change, name="status_change"),
    path("ordninger/<uuid:arrangement_id>/tilbagefoersel/", views.handout_reverse, name="handout_reverse"),
    path("afstemning/", views.reconciliation, name="reconciliation"),
    path("borgere/<uuid:citizen_id>/ny-ordning/", views.arrangement_new, name="arrangement_new"),
    path("opfoelgning/", views.follow_up, name="follow_up"),
    path("opfoelgning/rapport.pdf", views.follow_up_pdf, name="follow_up_pdf"),
]
