"""WSGI entry point for gunicorn and friends. Refuses to serve a database that holds demo
users unless the system runs in demo mode."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhed.settings")

application = get_wsgi_application()

from helhed.core.checks import refuse_demo_users_outside_demo_mode  # noqa: E402

refuse_demo_users_outside_demo_mode()
