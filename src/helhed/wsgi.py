"""WSGI entry point for gunicorn and friends. Refuses to serve a database that holds demo
users unless the system runs in demo mode, and loads at start what a first request would
otherwise load."""

import datetime
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhed.settings")

application = get_wsgi_application()

from helhed.core.checks import refuse_demo_users_outside_demo_mode  # noqa: E402

refuse_demo_users_outside_demo_mode()

from helhed.core.calendar import is_public_holiday  # noqa: E402

# The holidays package loads its Danish calendar on first use, about 0.4 s of imports: a
# process's first booking page took 390 to 650 ms under load (bench/RESULTS.md).
is_public_holiday(datetime.date.today())
