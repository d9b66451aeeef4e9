"""The one shape of a view that writes: the view loads what it works on (a selector, in the
user's scope and audited), builds its form, and hands the write to a service through one of
these two functions. A service's ValidationError becomes the form's errors (or an error
message), success becomes a message and a redirect, so every page answers alike.

Where one page holds several forms that each post to their own address (a case with its
note, status and effort forms), ``page_forms`` makes those views from one line each.

Usage, in a view::

    form = NoteForm(request.POST, prefix="notat")
    done = submit_form(request, form, lambda data: services.add_note(case=c, actor=request.user, **data),
                       success="Notatet er gemt.", then=reverse("casework:case", args=[c.pk]))
    return done or _case_page(request, c.pk, note_form=form)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from helhed.core.forms import add_service_errors
from helhed.core.views import permission_required

T = TypeVar("T")
Said = str | Callable[[Any], str]
Target = Any  # what django.shortcuts.redirect takes (a URL, a URL name, a model), or a function of the result


def submit_form(request: HttpRequest, form: Form, action: Callable[[dict], T], *, success: Said,
                then: Target) -> HttpResponse | None:
    """When the form is valid, call ``action(form.cleaned_data)``; on success show ``success``
    and redirect to ``then`` (either may be a function of the action's result). Returns None
    when the form is unbound or invalid or the service refused (its errors are then on the
    form): the view renders its page again with the form."""
    if not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(then(result) if callable(then) else then)


def perform(request: HttpRequest, action: Callable[[], object], *, success: str, then: Any) -> HttpResponse:
    """A button without fields (take a task, mark a letter printed): call ``action()``, show
    ``success`` or the service's refusal as a message, and redirect to ``then`` either way."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(then)


def stale_error(form: Form) -> ValidationError | None:
    """The service's refusal because someone saved the record after the form was opened
    (``code="stale"``), read back from the form's errors; the page shows it apart, with 409."""
    for errors in form.errors.as_data().values():
        for error in errors:
            if error.code == "stale":
                return error
    return None


def page_forms(*, perm: str, load: Callable, page: Callable, url: Callable) -> Callable:
    """Views for the forms of one page. ``load(request, **url_kwargs)`` reads the page's object
    (in the user's scope, audited), ``page(request, obj, **forms)`` renders the page with a form
    that failed, ``url(obj)`` is where success leads. The returned function makes one POST-only
    view a form: ``view = forms("note_form", make_form, act, "Saved.")``, with
    ``make_form(request, obj)`` and ``act(request, obj, data)`` calling the service."""

    def form_view(form_name: str, make_form: Callable, act: Callable, success: Said) -> Callable:
        @require_POST
        @never_cache
        @permission_required(perm)
        def view(request, **kwargs):
            obj = load(request, **kwargs)
            form = make_form(request, obj)
            done = submit_form(request, form, lambda data: act(request, obj, data), success=success, then=url(obj))
            return done or page(request, obj, **{form_name: form})

        return view

    return form_view


def permitted(request: HttpRequest, perm: str, obj: T, *, refused: type[Exception] = PermissionDenied) -> T:
    """``obj`` when the user may ``perm`` on it (a ``rules`` object permission), else raise
    ``refused``: Http404 where even the object's existence is not to be shown."""
    if not rules.has_perm(perm, request.user, obj):
        raise refused
    return obj


def attachment(content: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    """A file the browser saves under ``filename`` (a PDF unless said otherwise)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
