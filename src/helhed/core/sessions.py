"""A session ends after an idle period as well as a fixed time after log-in.

Both are our parameters, in settings: ``HELHED_SESSION_IDLE_MINUTES`` (30 for staff),
``HELHED_CITIZEN_SESSION_IDLE_MINUTES`` (30 for citizens) and ``SESSION_COOKIE_AGE`` (8 hours,
one working day). Django's own expiry moves each time the session is saved, so the 8 hours are
counted here from the log-in, and the idle period from the last request, recorded at most
once a minute (so a session may end up to a minute early, never late)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from helhed.core.browser_middleware import _StepAside
from helhed.core.roles import Role

LOGGED_IN_AT = "helhed_logged_in_at"
SEEN_AT = "helhed_seen_at"
SEEN_RESOLUTION = 60  # seconds: how often the last request's time is written to the session


def idle_limit_seconds(user) -> int:
    minutes = (settings.HELHED_CITIZEN_SESSION_IDLE_MINUTES if user.role == Role.CITIZEN
               else settings.HELHED_SESSION_IDLE_MINUTES)
    return minutes * 60


@receiver(user_logged_in)
def start_the_clocks(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGGED_IN_AT] = now
        request.session[SEEN_AT] = now


class _SessionTimeout:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request, user) -> None:
        session, now = request.session, time.time()
        logged_in_at = session.get(LOGGED_IN_AT)
        seen_at = session.get(SEEN_AT, logged_in_at)
        if logged_in_at is None:  # a session from before these clocks: they start now
            session[LOGGED_IN_AT] = session[SEEN_AT] = now
            return
        idle = idle_limit_seconds(user)
        if now - seen_at > idle:
            self._end(request, f"Du er logget ud, fordi du ikke har brugt helhed i {idle // 60} minutter. "
                               "Log ind igen for at fortsætte.")
        elif now - logged_in_at > settings.SESSION_COOKIE_AGE:
            self._end(request, f"Du er logget ud, fordi der er gået {settings.SESSION_COOKIE_AGE // 3600} timer, "
                               "siden du loggede ind. Log ind igen for at fortsætte.")
        elif now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now

    @staticmethod
    def _end(request, message: str) -> None:
        # The request goes on as anonymous: a page sends the user to the log-in page, where
        # the message says why; an API call is answered 401.
        logout(request)
        if not request.path_info.startswith("/api/"):
            messages.info(request, message)


class SessionTimeoutMiddleware(_StepAside, _SessionTimeout):
    """Ends a session that has been idle too long or has lasted a working day (see the module)."""
