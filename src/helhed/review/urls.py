from django.urls import path

from helhed.review import views

app_name = "review"

urlpatterns = [
    path("", views.index, name="index"),
    path("program/<uuid:programme_id>/", views.programme, name="programme"),
    path("program/<uuid:programme_id>/sager/", views.cases, name="cases"),
    path("program/<uuid:programme_id>/indlaes/", views.effort_import, name="effort_import"),
    path("program/<uuid:programme_id>/maaling/", views.record_measurements, name="record_measurements"),
    path("program/<uuid:programme_id>/godkendelser/", views.approvals, name="approvals"),
    path("program/<uuid:programme_id>/registerudtraek/", views.register_import, name="register_import"),
    path("sager/<uuid:case_id>/", views.case, name="case"),
    path("sager/<uuid:case_id>/gem/", views.case_save, name="case_save"),
    path("sager/<uuid:case_id>/status/", views.case_status, name="case_status"),
    path("sager/<uuid:case_id>/indsats/", views.effort_create, name="effort_create"),
    path("sager/<uuid:case_id>/ydelse/", views.benefit_create, name="benefit_create"),
    path("sager/<uuid:case_id>/fordel/", views.case_assign, name="case_assign"),
]
