"""Template filters for forms."""

from django import template

register = template.Library()


@register.filter
def error_count(form) -> int:
    """How many error messages a form shows: every field's and the form's own."""
    return sum(len(errors) for errors in form.errors.values())
