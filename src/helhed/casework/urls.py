from django.urls import path

from helhed.casework import views

app_name = "casework"

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("<uuid:case_id>/", views.case, name="case"),
    path("<uuid:case_id>/handling/<slug:action>/", views.case_action, name="case_action"),
    path("<uuid:case_id>/klage/", views.complaint_create, name="complaint_create"),
    path("<uuid:case_id>/notat/", views.case_note, name="case_note"),
    path("<uuid:case_id>/spoergsmaal/", views.case_question, name="case_question"),
    path("klager/<uuid:complaint_id>/<slug:step>/", views.complaint_step, name="complaint_step"),
    path("breve/<uuid:letter_id>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("post/", views.mailbox, name="mailbox"),
    path("post/for/<uuid:citizen_id>/", views.represented, name="represented"),
    path("post/<uuid:case_id>/", views.self_service_case, name="self_service_case"),
    path("post/<uuid:case_id>/svar/", views.citizen_hearing_answer, name="citizen_hearing_answer"),
    path("post/<uuid:case_id>/klage/", views.citizen_complaint, name="citizen_complaint"),
    path("udskrift/", views.print_queue, name="print_queue"),
    path("udskrift/<uuid:letter_id>/udskrevet/", views.letter_printed, name="letter_printed"),
    path("udskrift/<uuid:letter_id>/igen/", views.letter_retry, name="letter_retry"),
    path("opgaver/", views.work_queue, name="work_queue"),
    path("opgaver/<uuid:task_id>/tag/", views.task_take, name="task_take"),
    path("opgaver/<uuid:task_id>/loest/", views.task_done, name="task_done"),
]
