from django.urls import path

from helhed.demo import views

app_name = "demo"

urlpatterns = [
    path("", views.personas, name="personas"),
    path("log-ind/<uuid:user_id>/", views.login_as, name="login_as"),
]
