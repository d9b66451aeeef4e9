from django.contrib.auth import views as auth_views
from django.urls import path

from helhed.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("log-ind/", views.LoginView.as_view(), name="login"),
    path("tilgaengelighed/", views.accessibility_statement, name="accessibility"),
    path("was", views.was, name="was"),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
]
