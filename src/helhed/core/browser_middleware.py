"""Django's session, locale, user and message middleware, made to step aside for
key-authenticated Kvik-linje calls.

Those calls carry an organisation's key, never a browser session: sessions, language
choice, the logged-in user and messages do nothing for them, yet cost about a
sixth of such a call's time in the server (bench/RESULTS.md, fasttrack_load). Each class is
a subclass of Django's own, so Django's checks still recognise it. (A module of its own:
``helhed.core.middleware`` is imported by the logging set-up, before these can be.)"""

from __future__ import annotations

from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.middleware import locale

KEY_API_PREFIX = "/api/v1/fasttrack/"


class _StepAside:
    def __call__(self, request):
        if request.path_info.startswith(KEY_API_PREFIX):
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(_StepAside, sessions.SessionMiddleware):
    pass


class LocaleMiddleware(_StepAside, locale.LocaleMiddleware):
    pass


class AuthenticationMiddleware(_StepAside, auth.AuthenticationMiddleware):
    pass


class MessageMiddleware(_StepAside, messages.MessageMiddleware):
    pass
