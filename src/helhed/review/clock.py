"""The clock that dates the entry of review facts.

Every status change, effort, typed correction and register import records when it was
entered: the server's clock, never a value a form or an API client sends (issue 17, "Facts
carry two dates"). The demo universe alone replays a fictional history and enters each fact
at the moment the story says (``simulated``); the context variable is never set by a
request, so a page or the API always gets the real clock.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterator

from django.utils import timezone

from helhed.core.calendar import local_date

_simulated: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar("review_clock", default=None)


def now() -> datetime.datetime:
    """The moment a fact is entered."""
    return _simulated.get() or timezone.now()


def today() -> datetime.date:
    """The Danish day a fact is entered."""
    return local_date(now())


@contextlib.contextmanager
def simulated(moment: datetime.datetime) -> Iterator[None]:
    """Enter facts as if at ``moment`` (the demo's fictional history only)."""
    token = _simulated.set(moment)
    try:
        yield
    finally:
        _simulated.reset(token)
