from django.urls import path

from helhed.borgerservice import views

app_name = "borgerservice"

urlpatterns = [
    # Staff
    path("", views.points, name="points"),
    path("servicesteder/ny/", views.point_new, name="point_new"),
    path("servicesteder/<uuid:point_id>/", views.point, name="point"),
    path("servicesteder/<uuid:point_id>/ret/", views.point_edit, name="point_edit"),
    path("servicesteder/<uuid:point_id>/tilstand/", views.point_mode, name="point_mode"),
    path("servicesteder/<uuid:point_id>/tider-i-perioden/", views.point_restricted_bookings,
         name="point_restricted_bookings"),
    path("servicesteder/<uuid:point_id>/ydelser/", views.point_offer, name="point_offer"),
    path("servicesteder/<uuid:point_id>/ydelser/<int:offer_id>/fjern/", views.point_offer_remove,
         name="point_offer_remove"),
    path("servicesteder/<uuid:point_id>/aabningstider/", views.point_hours, name="point_hours"),
    path("servicesteder/<uuid:point_id>/aabningstider/<int:hours_id>/fjern/", views.point_hours_remove,
         name="point_hours_remove"),
    path("servicesteder/<uuid:point_id>/lukkedage/", views.point_closed, name="point_closed"),
    path("servicesteder/<uuid:point_id>/lukkedage/<int:closed_day_id>/fjern/", views.point_closed_remove,
         name="point_closed_remove"),
    path("servicesteder/<uuid:point_id>/dagsplan/", views.agenda, name="agenda"),
    path("servicesteder/<uuid:point_id>/book/", views.staff_book, name="staff_book"),
    path("akutte/", views.triage, name="triage"),
    path("aftaler/<uuid:appointment_id>/", views.appointment, name="appointment"),
    path("aftaler/<uuid:appointment_id>/godkend/", views.approve, name="approve"),
    path("aftaler/<uuid:appointment_id>/afvis/", views.decline, name="decline"),
    path("aftaler/<uuid:appointment_id>/tjek-ind/", views.check_in, name="check_in"),
    path("aftaler/<uuid:appointment_id>/udeblevet/", views.no_show, name="no_show"),
    path("aftaler/<uuid:appointment_id>/aflys/", views.staff_cancel, name="staff_cancel"),
    path("aftaler/<uuid:appointment_id>/hjaelp/", views.help_record, name="help_record"),
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
