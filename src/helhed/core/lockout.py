"""Lock-out after repeated failed log-ins and failed API keys: one policy, kept by django-axes.

The policy (our parameters, in settings: ``AXES_FAILURE_LIMIT`` and ``AXES_COOLOFF_TIME``):
after 5 failures within 15 minutes the caller is refused until 15 minutes have passed since
the last failure.

- The log-in form counts failures per user name and address together, so a colleague's typos
  at the same office address, or a stranger's guesses from elsewhere, do not lock a user out.
- API bearer tokens (``hlh_…``) and Kvik-linje keys (``hlk_…``) count failures per address
  (``api:adresse:<ip>``) and per key prefix (``api:nøgle:<hlk_abcd1234>``); a locked caller
  is answered 429 with Retry-After, before the key is even looked up.

Failures are rows of axes' ``AccessAttempt``: an administrator lifts a lock-out by deleting
them in the admin ("Access attempts") or with ``helhed lockout lift``. The names used for
API callers contain a colon, which a user name cannot (Django's user name validator), so
they never meet a person's counts.
"""

from __future__ import annotations

import datetime
import logging
import math

from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

logger = logging.getLogger("helhed.security")

API_NAME_PREFIX = "api:"


def lockout_parameters(request_or_attempt, credentials: dict | None = None) -> list:
    """What failures are counted together (axes' ``AXES_LOCKOUT_PARAMETERS``): an API
    caller's name alone (it already names the address or the key), a person's user name
    together with the address."""
    username = (credentials or {}).get("username") or getattr(request_or_attempt, "username", None) or ""
    if username.startswith(API_NAME_PREFIX):
        return ["username"]
    return [["username", "ip_address"]]


def _locked_until(names: list[str], *, ip_address: str | None, now: datetime.datetime) -> datetime.datetime | None:
    """When the latest lock-out over these counters ends, or None when none is locked."""
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.filter(username__in=names, attempt_time__gte=now - cool_off)
    if ip_address is not None:
        attempts = attempts.filter(ip_address=ip_address)
    rows = attempts.values("username").annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    ends = [row["last"] + cool_off for row in rows if row["failures"] >= settings.AXES_FAILURE_LIMIT]
    return max(ends, default=None)


# --- The log-in form ---------------------------------------------------------------------

def login_lockout_response(request: HttpRequest, original_response=None,
                           credentials: dict | None = None) -> HttpResponse:
    """The log-in page again, answered 429, saying in Danish when the user may try again
    (axes' ``AXES_LOCKOUT_CALLABLE``). Also answers the rare API request axes flags."""
    from helhed.core.forms import LoginForm

    now = timezone.now()
    username = (credentials or {}).get("username") or ""
    until = _locked_until([username], ip_address=request.axes_ip_address, now=now) or now + get_cool_off()
    if request.path_info.startswith("/api/"):
        return api_lockout_response(request, retry_after=_seconds_until(until, now))
    form = LoginForm(request, initial={"username": username})
    local = timezone.localtime(until)
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    response = render(request, "core/login.html", {
        "form": form,
        "next": request.POST.get("next", ""),
        "locked_out_until": local,
        "locked_out_minutes": minutes,
    }, status=429)
    response["Retry-After"] = str(_seconds_until(until, now))
    return response


@receiver(user_locked_out)
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    """One warning line per lock-out, for the operator's log (the user name is redacted by
    the log's CPR filter should someone have typed a CPR number into it)."""
    logger.warning("Spærret efter %s forkerte forsøg inden for %s: %s fra %s", settings.AXES_FAILURE_LIMIT,
                   get_cool_off(request), username, ip_address)


# --- API bearer tokens and Kvik-linje keys ----------------------------------------------

class TooManyFailures(Exception):
    """Raised by the API's authenticators when the caller's address or key is locked out."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def api_counter_names(request: HttpRequest, secret: str) -> list[str]:
    """The two counters an API key's failures go to: the caller's address, and the key's
    prefix (``hlh_`` or ``hlk_`` and 8 characters, as ``helhed fasttrack list-keys`` shows it)."""
    names = [f"{API_NAME_PREFIX}adresse:{get_client_ip_address(request)}"]
    if secret.startswith(("hlh_", "hlk_")) and len(secret) >= 12:
        names.append(f"{API_NAME_PREFIX}nøgle:{secret[:12]}")
    return names


def refuse_locked_api_caller(request: HttpRequest, secret: str) -> None:
    """Raise ``TooManyFailures`` when the caller's address or the key's prefix is locked out.
    One query; called before the key is looked up, so a locked caller learns nothing."""
    now = timezone.now()
    until = _locked_until(api_counter_names(request, secret), ip_address=None, now=now)
    if until is not None:
        raise TooManyFailures(_seconds_until(until, now))


def record_api_key_failure(request: HttpRequest, secret: str) -> None:
    """Count a key that opened nothing against the address and the prefix, through the
    same signal a failed log-in sends, so axes records, logs and locks it alike."""
    for name in api_counter_names(request, secret):
        user_login_failed.send(sender=__name__, credentials={"username": name}, request=request)
        # axes flags a request that reached the limit, to answer it with its lock-out page
        # and to stop counting; the API answers this call 401 and the next 429
        # (``refuse_locked_api_caller``), and the second counter must still count.
        request.axes_locked_out = False


def api_lockout_response(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    from helhed.api import api

    minutes = max(1, math.ceil(retry_after / 60))
    response = api.create_response(request, {
        "detail": f"For mange forkerte API-nøgler fra denne adresse eller med denne nøgle. "
                  f"Prøv igen om {minutes} minutter.",
    }, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def too_many_failures(request: HttpRequest, exc: TooManyFailures) -> HttpResponse:
    """The API's exception handler for ``TooManyFailures``."""
    return api_lockout_response(request, retry_after=exc.retry_after)


def _seconds_until(until: datetime.datetime, now: datetime.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


# --- Look-ups by a secret a person holds (a booking reference) -----------------------------

def lookup_counter_names(request: HttpRequest, kind: str) -> list[str]:
    """The counter a failed look-up of ``kind`` (e.g. ``reference``) goes to: the caller's
    address. Named like the API's counters (with a colon), so it never meets a person's."""
    return [f"{API_NAME_PREFIX}{kind}:{get_client_ip_address(request)}"]


def lookup_locked_until(request: HttpRequest, kind: str) -> datetime.datetime | None:
    """When the caller may look up ``kind`` again, or None: the same policy as the log-in
    (``AXES_FAILURE_LIMIT`` failures within ``AXES_COOLOFF_TIME``)."""
    return _locked_until(lookup_counter_names(request, kind), ip_address=None, now=timezone.now())


def record_lookup_failure(request: HttpRequest, kind: str) -> None:
    """Count a look-up that found nothing, through axes (which records and logs it)."""
    for name in lookup_counter_names(request, kind):
        user_login_failed.send(sender=__name__, credentials={"username": name}, request=request)
        request.axes_locked_out = False
