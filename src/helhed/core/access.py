"""What a logged-in user's access rests on, read once and kept in their session: the
municipalities they serve (with names, for the read log's "who") and whether they belong to
a Kvik-linje organisation.

Every page needs these before it shows any data; read from the database they cost two
queries per page on top of the session and the user (issue 23: "at most 2 queries before
its own data"). The session keeps them with the user's ``access_version``, which is raised
in the same transaction as every change they depend on: the user's role or active flag
(``User.save``), their municipalities, and their organisations (the ``m2m_changed``
handlers below and in ``fasttrack.apps``). The user's row is read on every request anyway,
so a stale copy is never used: a changed version makes the next request read the facts
again. Sessions are stored on the server; a client cannot alter them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.middleware import get_user as load_user
from django.contrib.auth.signals import user_logged_in
from django.db.models import F, prefetch_related_objects
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject

SESSION_KEY = "helhed_access"


def bump(user_ids: Iterable[int]) -> None:
    """Make the users' cached access facts stale (their next request reads them again)."""
    from helhed.core.models import User

    ids = [pk for pk in user_ids if pk is not None]
    if ids:
        User.objects.filter(pk__in=ids).update(access_version=F("access_version") + 1)


def on_m2m_change(sender, instance, action, pk_set, **kwargs) -> None:
    """An ``m2m_changed`` handler for a relation between users and what they may reach
    (``sender`` is its through model), from either side: raises the version of every user
    whose links changed."""
    from helhed.core.models import User

    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if isinstance(instance, User):
        bump([instance.pk])
    elif pk_set:
        bump(pk_set)  # the other side's instance: the keys are users
    elif action == "pre_clear":  # cleared from the other side: the users linked now
        fields = {f.related_model: f.attname for f in sender._meta.fields if f.is_relation}
        bump(sender.objects.filter(**{fields[type(instance)]: instance.pk}).values_list(fields[User], flat=True))


def _facts(user) -> dict:
    from helhed.fasttrack.models import Organisation

    facts = {"version": user.access_version, "municipalities": [], "organisation_member": False}
    if user.is_municipal:
        prefetch_related_objects([user], "municipalities")
        facts["municipalities"] = [(m.code, str(m)) for m in user.municipalities.all()]
    facts["organisation_member"] = Organisation.members.through.objects.filter(user_id=user.pk).exists()
    return facts


def attach(request, user):
    """``user`` (the request's) with its access facts from the session, read again and kept
    when missing or stale."""
    if not getattr(user, "is_authenticated", False) or not hasattr(request, "session"):
        return user
    facts = request.session.get(SESSION_KEY)
    if not facts or facts.get("version") != user.access_version:
        facts = _facts(user)
        request.session[SESSION_KEY] = facts
    user._municipality_scope = frozenset(code for code, _ in facts["municipalities"])
    user._municipality_names = [name for _, name in facts["municipalities"]]
    user._is_organisation_member = facts["organisation_member"]
    return user


@receiver(user_logged_in, dispatch_uid="access-at-login")
def keep_at_login(sender, request, user, **kwargs) -> None:
    """The facts are read at log-in, so the first page costs no more than the next."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = _facts(user)


class AccessMiddleware:
    """After the authentication middleware: the request's user, still loaded only when
    used, comes with its access facts (``attach``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hasattr(request, "user") and hasattr(request, "session"):
            request.user = SimpleLazyObject(lambda: attach(request, load_user(request)))
        return self.get_response(request)
