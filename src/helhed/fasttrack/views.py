"""Pages of the Kvik-linje: Udbetaling Danmark's question queue and answer form, an
organisation's own page (its questions and answers, its keys' usage), and registering and
revoking a citizen's consent to an organisation."""

from __future__ import annotations

import datetime

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from helhed.core.audit import record_read
from helhed.core.views import permission_required
from helhed.core.views_support import perform, submit_form
from helhed.fasttrack import selectors, services
from helhed.fasttrack.forms import AnswerForm, ConsentForm, GiveConsentForm, KvikQuestionForm, LookupForm
from helhed.fasttrack.models import Consent, QuestionStatus
from helhed.registry.models import Citizen
from helhed.registry.selectors import own_citizen


@sensitive_post_parameters("cpr")
@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("fasttrack.use_kvik_linje")
def index(request):
    """Look a citizen up (CPR in the POST body only), and the user's organisations'
    questions and key usage."""
    today = timezone.localdate()
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            citizen = selectors.find_citizen_for_kvik(user=request.user, cpr=form.cleaned_data["cpr"], today=today)
        except ValidationError:
            form.add_error("cpr", "Skriv et gyldigt CPR-nummer (DDMMÅÅ-XXXX).")
        except Http404:
            form.add_error("cpr", "Vi fandt ingen borger, du kan slå op via Kvik-linjen. En brugerorganisation kan "
                                  "kun se borgere, der har givet den samtykke; en kommune sine egne borgere.")
        else:
            return redirect("fasttrack:citizen", citizen_id=citizen.pk)
    pages = selectors.organisation_pages(user=request.user, now=timezone.now(), today=today)
    return render(request, "fasttrack/index.html", {"pages": pages, "today": today, "form": form})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("fasttrack.use_kvik_linje")
def citizen(request, citizen_id):
    """A covered citizen's cases at Udbetaling Danmark, the questions asked about them with
    Udbetaling Danmark's answers, and a form to ask a new one."""
    page = selectors.kvik_citizen_page(user=request.user, citizen_id=citizen_id, today=timezone.localdate())
    form = None
    if page.access.may_ask:
        form = KvikQuestionForm(request.POST or None, cases=page.cases if page.access.may_see_status else [])
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = submit_form(request, form, lambda data: services.ask_on_web(
            actor=request.user, access=page.access, citizen=page.citizen, case=form.chosen_case(),
            subject=data["subject"], body=data["body"]),
            success="Spørgsmålet er sendt til Udbetaling Danmark.",
            then=reverse("fasttrack:citizen", args=[page.citizen.pk]))
        if done:
            return done
    return render(request, "fasttrack/citizen.html", {"page": page, "form": form, "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("fasttrack.give_consent")
def my_consents(request):
    """The citizen gives a user organisation consent, and sees and revokes their consents."""
    citizen = own_citizen(request.user)
    today = timezone.localdate()
    form = GiveConsentForm(request.POST or None, initial={"valid_until": today + datetime.timedelta(days=365)})
    done = submit_form(request, form, lambda data: services.give_consent(
        citizen=citizen, organisation=data["organisation"], scopes=data["scopes"].split(),
        valid_until=data["valid_until"], actor=request.user, today=today),
        success=lambda _: f"Du har givet {form.cleaned_data['organisation']} samtykke.", then="fasttrack:my_consents")
    if done:
        return done
    consents = selectors.consents_for_citizen(citizen=citizen)
    return render(request, "fasttrack/my_consents.html", {
        "form": form, "consents": [(c, c.is_active(today)) for c in consents]})


@never_cache
@permission_required("fasttrack.answer_questions")
def queue(request):
    answered = request.GET.get("vis") == "besvarede"
    rows = selectors.udk_queue(user=request.user, today=timezone.localdate(),
                               status=QuestionStatus.ANSWERED if answered else QuestionStatus.OPEN)
    return render(request, "fasttrack/queue.html", {"rows": rows, "answered": answered})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("fasttrack.open_questions")
def question(request, question_id):
    q = selectors.question_detail(user=request.user, question_id=question_id)
    may_answer = rules.has_perm("fasttrack.answer_questions", request.user) and q.status == QuestionStatus.OPEN
    form = AnswerForm(request.POST or None) if may_answer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = submit_form(request, form, lambda data: services.answer_question(
            question=q, answer=data["answer"], actor=request.user),
            success="Svaret er sendt til organisationen.", then="fasttrack:queue")
        if done:
            return done
    return render(request, "fasttrack/question.html", {
        "q": q, "form": form, "is_udk": rules.has_perm("fasttrack.answer_questions", request.user),
        "overdue": q.status == QuestionStatus.OPEN and q.due_on < timezone.localdate()})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("fasttrack.register_consents")
def consent_create(request, citizen_id):
    citizen = Citizen.objects.filter(pk=citizen_id).first()
    if citizen is None or not rules.has_perm("fasttrack.register_consent", request.user, citizen):
        raise Http404
    record_read(actor=request.user, citizen_uuids=[citizen.pk], what="Navn og samtykker til Kvik-linjen",
                purpose="Kvik-linje: registrere samtykke", channel="web")
    today = timezone.localdate()
    form = ConsentForm(request.POST or None,
                       initial={"valid_from": today, "valid_until": today + datetime.timedelta(days=365)})
    done = submit_form(request, form, lambda data: services.register_consent(
        citizen=citizen, organisation=data["organisation"], kind=data["kind"], scopes=data["scopes"].split(),
        valid_from=data["valid_from"], valid_until=data["valid_until"], actor=request.user),
        success=lambda _: f"Samtykket til {form.cleaned_data['organisation']} er registreret.",
        then=reverse("fasttrack:consent_create", args=[citizen.pk]))
    if done:
        return done
    consents = selectors.consents_for_citizen(citizen=citizen)
    return render(request, "fasttrack/consent_form.html", {
        "citizen": citizen, "form": form, "consents": [(c, c.is_active(today)) for c in consents]})


@require_POST
@permission_required("fasttrack.revoke_any_consent")
def consent_revoke(request, consent_id):
    consent = get_object_or_404(Consent.objects.select_related("citizen", "organisation"), pk=consent_id)
    own = rules.has_perm("fasttrack.revoke_consent", request.user, consent)
    if not own and not rules.has_perm("fasttrack.register_consent", request.user, consent.citizen):
        raise Http404
    then = (reverse("fasttrack:my_consents") if own
            else reverse("fasttrack:consent_create", args=[consent.citizen_id]))
    if consent.revoked_at is not None:  # sent twice (a double click): the first revocation stands
        messages.info(request, f"Samtykket til {consent.organisation} er tilbagekaldt.")
        return redirect(then)
    return perform(request, lambda: services.revoke_consent(consent=consent, actor=request.user),
                   success=f"Samtykket til {consent.organisation} er tilbagekaldt.", then=then)
