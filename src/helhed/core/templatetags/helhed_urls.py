"""``{% row_url 'app:name' obj.pk %}``: the link of one row in a long list.

Django's ``{% url %}`` resolves the pattern on every call (about 30 µs); a list of 50 rows
with four links each spent a fifth of its page on it (bench/RESULTS.md, mixed_load). This
tag reverses a pattern once, with a placeholder argument, and puts each row's id in its
place. It takes one UUID argument (every row id here is one); anything else goes through
``reverse()``.
"""

from __future__ import annotations

from functools import lru_cache
from uuid import UUID

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()

_PLACEHOLDER = UUID(int=0xC0FFEE)


@lru_cache(maxsize=512)
def _around(name: str, prefix: str) -> tuple[str, str]:
    """The reversed URL of ``name`` (under the script ``prefix``) before and after its argument."""
    before, after = reverse(name, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER))
    return before, after


@register.simple_tag
def row_url(name: str, arg) -> str:
    if type(arg) is not UUID:
        return reverse(name, args=[arg])
    before, after = _around(name, get_script_prefix())
    return f"{before}{arg}{after}"
