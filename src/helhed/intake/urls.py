from django.urls import path

from helhed.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.my_applications, name="my_applications"),
    path("ny/", views.new_application, name="new"),
    path("kladde/<uuid:draft_id>/", views.draft, name="draft"),
    path("kladde/<uuid:draft_id>/gennemse/", views.review, name="review"),
    path("fuldmagt/", views.my_representations, name="my_representations"),
    path("fuldmagt/<uuid:representation_id>/tilbagekald/", views.revoke_representation, name="revoke"),
    path("jeg-hjaelper/", views.helping, name="helping"),
    path("handl-for/", views.act_for, name="act_for"),
    path("jeg-hjaelper/<uuid:citizen_id>/", views.helping_citizen, name="helping_citizen"),
    path("jeg-hjaelper/<uuid:citizen_id>/ny/", views.new_application, name="new_for"),
    path("borgere/<uuid:citizen_id>/ny/", views.register, name="register"),
    path("borgere/<uuid:citizen_id>/helhedsvurdering/", views.assess, name="assess"),
    path("borgere/<uuid:citizen_id>/fuldmagt/", views.staff_representations, name="staff_representations"),
    path("borgere/<uuid:citizen_id>/digital-post/", views.exemption, name="exemption"),
    path("borgere/<uuid:citizen_id>/henvis/", views.refer, name="refer"),
    path("borgere/<uuid:citizen_id>/vejledning/", views.guidance, name="guidance"),
    path("borgere/<uuid:citizen_id>/vejledning/ny/", views.guidance_new, name="guidance_new"),
    path("helhedsvurderinger/<uuid:assessment_id>/", views.assessment, name="assessment"),
    path("henvisninger/", views.referrals, name="referrals"),
    path("henvisninger/<uuid:referral_id>/", views.referral, name="referral"),
    path("statistik/", views.statistics, name="statistics"),
    path("<uuid:application_id>/", views.detail, name="detail"),
]
