from django.urls import path

from helhed.core import views
from helhed.core.oidc import CITIZEN, STAFF

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("log-ind/", views.LoginView.as_view(), name="login"),
    path("tilgaengelighed/", views.accessibility_statement, name="accessibility"),
    path("was", views.was, name="was"),
    path("log-ind/mitid/", views.oidc_login, {"provider": CITIZEN}, name="oidc_login_citizen"),
    path("log-ind/mitid/svar/", views.oidc_callback, {"provider": CITIZEN}, name="oidc_callback_citizen"),
    path("log-ind/organisation/", views.oidc_login, {"provider": STAFF}, name="oidc_login_staff"),
    path("log-ind/organisation/svar/", views.oidc_callback, {"provider": STAFF}, name="oidc_callback_staff"),
    path("log-ud/", views.logout_view, name="logout"),
]
