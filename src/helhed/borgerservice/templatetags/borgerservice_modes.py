"""The mode a service point is in today, for templates: a planned closure or acute-only
period changes only its own dates (``policy.effective_mode``), so a page never reads the
point's stored ``mode`` as if it were in force."""

from django import template
from django.utils import timezone

from helhed.borgerservice.models import Mode, ServicePoint
from helhed.borgerservice.policy import effective_mode

register = template.Library()


@register.filter
def mode_today(point: ServicePoint) -> str:
    """``open``, ``acute_only`` or ``closed`` on today's Danish date."""
    return effective_mode(point=point, day=timezone.localdate())


@register.filter
def restriction_ahead(point: ServicePoint) -> bool:
    """A restriction is planned but has not begun: citizens are told in advance, and
    ordinary booking goes on until it begins."""
    return point.mode != Mode.OPEN and point.mode_from is not None and point.mode_from > timezone.localdate()
