from django.urls import path

from helhed.pools import views

app_name = "pools"

urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.create, name="create"),
    path("<uuid:pool_id>/", views.pool, name="pool"),
    path("<uuid:pool_id>/ansoeg/", views.apply, name="apply"),
    path("<uuid:pool_id>/fordel/", views.allocate, name="allocate"),
    path("<uuid:pool_id>/evaluer/", views.evaluate, name="evaluate"),
    path("<uuid:pool_id>/restpulje/", views.follow_up, name="follow_up"),
    path("<uuid:pool_id>/overblik/", views.overview, name="overview"),
    path("<uuid:pool_id>/kommune/<int:code>/", views.dashboard, name="dashboard"),
    path("<uuid:pool_id>/kommune/<int:code>/pdf/", views.dashboard_pdf, name="dashboard_pdf"),
    path("<uuid:pool_id>/eksport/<slug:kind>/", views.export_file, name="export"),
    path("ansoegninger/<uuid:application_id>/", views.application, name="application"),
    path("forslag/<uuid:batch_id>/", views.batch, name="batch"),
    path("udbetalinger/<uuid:payout_id>/pdf/", views.payout_pdf, name="payout_pdf"),
    path("hoeringer/<uuid:hearing_id>/svar/", views.answer_hearing, name="answer_hearing"),
    path("bortfald/<int:forfeiture_id>/pdf/", views.forfeiture_pdf, name="forfeiture_pdf"),
    path("rapporter/<uuid:report_id>/", views.report_pdf, name="report"),
    path("<uuid:pool_id>/evaluering/", views.evaluation, name="evaluation"),
    path("ambassadoerer/", views.ambassadors, name="ambassadors"),
    path("ambassadoerer/<uuid:ambassador_id>/udtraed/", views.ambassador_withdraw, name="ambassador_withdraw"),
]
