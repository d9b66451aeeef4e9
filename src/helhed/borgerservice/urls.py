from django.urls import include, path

from helhed.borgerservice import views

app_name = "borgerservice"

# The pages and forms of one service point (staff).
point_patterns = [
    path("", views.point, name="point"),
    path("ret/", views.point_edit, name="point_edit"),
    path("tilstand/", views.point_mode, name="point_mode"),
    path("tider-i-perioden/", views.point_restricted_bookings, name="point_restricted_bookings"),
    path("ydelser/", views.point_offer, name="point_offer"),
    path("ydelser/<int:offer_id>/fjern/", views.point_offer_remove, name="point_offer_remove"),
    path("aabningstider/", views.point_hours, name="point_hours"),
    path("aabningstider/<int:hours_id>/fjern/", views.point_hours_remove, name="point_hours_remove"),
    path("lukkedage/", views.point_closed, name="point_closed"),
    path("lukkedage/<int:closed_day_id>/fjern/", views.point_closed_remove, name="point_closed_remove"),
    path("dagsplan/", views.agenda, name="agenda"),
    path("book/", views.staff_book, name="staff_book"),
]

# One appointment at the counter (staff).
appointment_patterns = [
    path("", views.appointment, name="appointment"),
    path("godkend/", views.approve, name="approve"),
    path("afvis/", views.decline, name="decline"),
    path("tjek-ind/", views.check_in, name="check_in"),
    path("udeblevet/", views.no_show, name="no_show"),
    path("aflys/", views.staff_cancel, name="staff_cancel"),
    path("hjaelp/", views.help_record, name="help_record"),
]

urlpatterns = [
    # Staff
    path("", views.points, name="points"),
    path("servicesteder/ny/", views.point_new, name="point_new"),
    path("servicesteder/<uuid:point_id>/", include(point_patterns)),
    path("akutte/", views.triage, name="triage"),
    path("aftaler/<uuid:appointment_id>/", include(appointment_patterns)),
    path("borgere/<uuid:citizen_id>/", views.citizen_book, name="citizen_book"),
    path("statistik/", views.statistics, name="statistics"),
    # Citizens with login
    path("mine-tider/", views.my_appointments, name="my_appointments"),
    path("mine-tider/bestil/", views.my_book, name="my_book"),
    path("mine-tider/<uuid:appointment_id>/", views.my_appointment, name="my_appointment"),
    path("mine-tider/<uuid:appointment_id>/aflys/", views.my_cancel, name="my_cancel"),
    # Without login
    path("bestil-tid/", views.public_book, name="public_book"),
    path("bestil-tid/kvittering/", views.public_receipt, name="public_receipt"),
    path("afbestil/", views.public_cancel, name="public_cancel"),
    path("afbestil/kvittering/", views.public_cancelled, name="public_cancelled"),
    path("find-din-tid/", views.public_find, name="public_find"),
]
