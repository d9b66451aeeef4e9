"""Pages of intake: the citizen's step-by-step application (drafts, no JavaScript needed),
fuldmagt and "Jeg hjælper" for representatives; staff registration of paper, phone and
in-person applications, the helhedsvurdering, fuldmagt and Digital Post exemption at the
counter, referrals from Udbetaling Danmark, and the channel statistics. CPR numbers are only
ever posted, never put in a URL."""

from __future__ import annotations

import datetime
import logging
import uuid

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required as login_required_any
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from helhed.casework.models import BenefitArea
from helhed.core import next_steps
from helhed.core.formats import kortdato
from helhed.core.forms import add_service_errors
from helhed.core.views import permission_required
from helhed.core.views_support import submit_form
from helhed.intake import selectors, services
from helhed.intake.forms import (
    AssessmentForm,
    BenefitAreaForm,
    ExemptionForm,
    GrantRepresentationForm,
    GuidanceForm,
    ReferralAnswerForm,
    ReferralForm,
    StaffApplicationForm,
    StatisticsForm,
)
from helhed.intake.models import Channel, SubmittedBy
from helhed.intake.questions import QUESTIONS, answers_as_text, answers_form, labelled_answers
from helhed.registry import services as registry
from helhed.registry.models import NeedsFactor, Representation
from helhed.registry.selectors import own_citizen

STAFF_PURPOSE = "Betjening af borgeren: ansøgning og hjælp"
STATISTICS_MONTHS = 24


logger = logging.getLogger("helhed.security")


def _today():
    return timezone.localdate()


# -- citizens -----------------------------------------------------------------------------

@never_cache
@permission_required("intake.apply_self")
def my_applications(request):
    citizen = own_citizen(request.user)
    apps = selectors.applications_of(user=request.user, citizen=citizen, what="Ansøgninger og kladder",
                                     purpose="Selvbetjening: egne ansøgninger", channel="web",
                                     include_drafts_of=request.user)
    return render(request, "intake/my_applications.html", {"citizen": citizen, "apps": apps})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("intake.apply_self")
def new_application(request, citizen_id=None):
    """Step 1: choose the benefit. With ``citizen_id``: as a representative."""
    today = _today()
    if citizen_id is None:
        citizen = own_citizen(request.user)
    else:
        citizen, _ = selectors.represented_citizen(user=request.user, citizen_id=citizen_id, today=today,
                                                   audit_what="Navn (ny ansøgning som repræsentant)")
    form = BenefitAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.start_draft(actor=request.user, citizen=citizen,
                                         benefit_area=form.cleaned_data["benefit_area"], today=today)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("intake:draft", draft_id=draft.pk)
    return render(request, "intake/new.html", {"form": form, "citizen": citizen,
                                               "for_other": citizen_id is not None, "step": 1})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("intake.apply_self")
def draft(request, draft_id):
    """Step 2: the benefit's questions. "Gem kladde" keeps incomplete answers."""
    sent = selectors.sent_from_draft(user=request.user, draft_id=draft_id)
    if sent is not None:
        return redirect("intake:detail", application_id=sent.pk)
    app = selectors.draft_for(user=request.user, draft_id=draft_id)
    if request.method == "POST":
        form = answers_form(app.benefit_area, data=request.POST)
        valid = form.is_valid()
        if valid:
            answers = answers_as_text(app.benefit_area, form.cleaned_data)
        else:  # keep what was typed, also the invalid parts
            answers = {q.key: request.POST.get(q.key, "") for q in QUESTIONS[app.benefit_area]}
        services.save_draft_answers(draft=app, actor=request.user, answers=answers)
        if "gem" in request.POST:
            messages.success(request, "Kladden er gemt. Du kan fortsætte senere under »Mine ansøgninger«.")
            return redirect("intake:my_applications" if app.citizen.user_id == request.user.pk
                            else "intake:helping")
        if valid:
            return redirect("intake:review", draft_id=app.pk)
    else:
        form = answers_form(app.benefit_area, initial=app.answers)
    return render(request, "intake/draft.html", {"app": app, "form": form, "step": 2})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("intake.apply_self")
def review(request, draft_id):
    """Step 3: read the answers through, then send (step 4: the receipt). Sending twice (a
    double click, a reload of the post) lands on the same receipt: ``submit_draft`` returns
    the application already sent, and a draft already sent redirects to it."""
    sent = selectors.sent_from_draft(user=request.user, draft_id=draft_id)
    if sent is not None:
        return redirect("intake:detail", application_id=sent.pk)
    app = selectors.draft_for(user=request.user, draft_id=draft_id)
    error = None
    duplicates = selectors.duplicate_cases(user=request.user, citizen=app.citizen, benefit_area=app.benefit_area,
                                           channel="web")
    if request.method == "POST":
        try:
            submitted = services.submit_draft(draft=app, actor=request.user, today=_today(), now=timezone.now(),
                                              duplicate_confirmed=request.POST.get("duplicate_confirmed") == "ja")
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(request, f"Ansøgningen er sendt. Sagsnummer {submitted.case.reference}.")
            return redirect("intake:detail", application_id=submitted.pk)
    return render(request, "intake/review.html", {
        "app": app, "answers": labelled_answers(app.benefit_area, app.answers), "error": error, "step": 3,
        "duplicates": duplicates})


@never_cache
@login_required_any
def detail(request, application_id):
    view = selectors.get_application(user=request.user, application_id=application_id, today=_today(),
                                     channel="web")
    if view.application.is_draft:
        return redirect("intake:draft", draft_id=view.application.pk)
    a = view.application
    own = (view.as_citizen or view.as_representative) and a.created_by_id == request.user.pk
    return render(request, "intake/detail.html", {
        "v": view, "a": a, "answers": labelled_answers(a.benefit_area, a.answers),
        "step": 4 if own and a.channel == Channel.DIGITAL else None,
        "next_steps": next_steps.after_application(authority_label=a.get_authority_display())
        if view.as_citizen or view.as_representative else []})


@sensitive_post_parameters("representative_cpr")
@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("intake.grant_representation_self")
def my_representations(request):
    return _representations_page(request, own_citizen(request.user), purpose="Selvbetjening: egne fuldmagter",
                                 template="intake/my_representations.html", then="intake:my_representations")


def _representations_page(request, citizen, *, purpose: str, template: str, then: str):
    """The citizen's fuldmagter and the form that grants one (the citizen's own page and the
    counter's)."""
    today = _today()
    form = GrantRepresentationForm(request.POST or None, initial={"valid_from": today})
    done = _grant(request, form, citizen=citizen, then=then)
    if done:
        return done
    reps = selectors.representations_shown(user=request.user, citizen=citizen, purpose=purpose, channel="web")
    return render(request, template, {"citizen": citizen, "form": form, "reps": reps, "today": today})


def _grant(request, form, *, citizen, then):
    """Grant the fuldmagt the form describes (the citizen's own page and the counter's). A
    refusal that is not about one field (an unknown CPR number, the citizen's own) is shown
    at the CPR number."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        granted = registry.grant_representation(
            citizen=citizen, representative=registry.find_citizen_by_cpr(data["representative_cpr"]),
            valid_from=data["valid_from"], valid_until=data["valid_until"], scope_kind=data["scope_kind"],
            benefit_areas=data["benefit_areas"], actor=request.user)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            add_service_errors(form, error)
        else:
            form.add_error("representative_cpr" if error.code in (None, "unknown", "self") else None, error)
        return None
    messages.success(request, f"{granted.representative.full_name} har nu fuldmagt.")
    return redirect(then)


@require_POST
@never_cache
@login_required_any
def revoke_representation(request, representation_id):
    rep = Representation.objects.select_related("citizen").filter(pk=representation_id).first()
    if rep is None:
        raise Http404
    own = rep.citizen.user_id == request.user.pk
    if not (own or rules.has_perm("intake.manage_representation", request.user, rep.citizen)):
        raise Http404
    try:
        registry.revoke_representation(representation=rep, actor=request.user, now=timezone.now())
        messages.success(request, "Fuldmagten er tilbagekaldt.")
    except ValidationError as error:
        if error.code == "revoked":  # sent twice (a double click): the first revocation stands
            messages.info(request, "Fuldmagten er tilbagekaldt.")
        else:
            messages.error(request, " ".join(error.messages))
    if own:
        return redirect("intake:my_representations")
    return redirect("intake:staff_representations", citizen_id=rep.citizen_id)


@never_cache
@permission_required("intake.help_others")
def helping(request):
    helped = selectors.helped_citizens(user=request.user, today=_today(), channel="web")
    return render(request, "intake/helping.html", {"helped": helped})


@never_cache
@permission_required("intake.help_others")
@require_http_methods(["GET", "POST"])
def act_for(request):
    """Whom a citizen who holds a power of attorney acts for now, chosen after logging in as
    themself: themself (their own pages) or one of the citizens they represent ("Jeg hjælper"
    for that citizen, where everything done is registered as done on their behalf). The choice
    is audited as a read of the chosen citizen and logged as a security event."""
    today = _today()
    if request.method == "POST":
        chosen = request.POST.get("for", "")
        if chosen == "self":
            logger.info("Acts for: user %s chose themself", request.user.uuid)
            return redirect("registry:my_data")
        try:
            citizen_id = uuid.UUID(chosen)
        except ValueError:
            raise Http404(selectors.NOT_FOUND) from None
        citizen, _ = selectors.represented_citizen(user=request.user, citizen_id=citizen_id, today=today,
                                                   audit_what="Valgt at handle for borgeren med fuldmagt")
        logger.info("Acts for: user %s chose to act for citizen %s", request.user.uuid, citizen.pk)
        return redirect("intake:helping_citizen", citizen.pk)
    helped = selectors.helped_citizens(user=request.user, today=today, channel="web")
    return render(request, "intake/act_for.html", {"helped": helped})


@never_cache
@permission_required("intake.help_others")
def helping_citizen(request, citizen_id):
    today = _today()
    citizen, rep = selectors.represented_citizen(user=request.user, citizen_id=citizen_id, today=today)
    apps = selectors.applications_of(user=request.user, citizen=citizen, what="Ansøgninger (som repræsentant)",
                                     purpose="Som repræsentant med fuldmagt", channel="web",
                                     include_drafts_of=request.user)
    return render(request, "intake/helping_citizen.html", {
        "citizen": citizen, "rep": rep, "apps": apps,
        "can_apply": rep.scope_kind != "read_only"})


# -- staff --------------------------------------------------------------------------------

@never_cache
@permission_required("intake.view_applications")
def index(request):
    apps = selectors.staff_applications(user=request.user, channel="web")
    return render(request, "intake/index.html", {"apps": apps})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("intake.register_application")
def register(request, citizen_id):
    user = request.user
    today = _today()
    citizen = selectors.citizen_for_staff(user=user, citizen_id=citizen_id, what="Navn og fuldmagter",
                                          purpose=STAFF_PURPOSE, channel="web")
    area = request.GET.get("ydelse") or request.POST.get("benefit_area") or ""
    if area not in BenefitArea.values:
        return render(request, "intake/register_choose.html", {
            "citizen": citizen, "areas": BenefitArea.choices, "invalid": bool(area)})
    channels = [Channel(c) for c in services.channels_for(user.role)]
    reps = [r for r in citizen.representations.select_related("representative") if r.is_active(today)]
    data = request.POST if request.method == "POST" else None
    form = StaffApplicationForm(data, request.FILES or None, channels=channels, representations=reps,
                                initial={"received_on": today, "channel": channels[0].value,
                                         "submitted_by": SubmittedBy.CITIZEN,
                                         "help_kind": "filled_in" if channels[0] == Channel.IN_PERSON else "none"})
    answers = answers_form(area, data=data, prefix="svar")
    if request.method == "POST":
        form_ok, answers_ok = form.is_valid(), answers.is_valid()
        if form_ok and answers_ok:
            d = form.cleaned_data
            rep = next((r for r in reps if str(r.pk) == d["representation"]), None)
            try:
                app, created = services.register_application(
                    actor=user, citizen=citizen, benefit_area=area, channel=d["channel"],
                    received_on=d["received_on"], submitted_by=d["submitted_by"],
                    answers=answers_as_text(area, answers.cleaned_data), today=today, now=timezone.now(),
                    idempotency_key=d["idempotency_key"], representation=rep, help_kind=d["help_kind"],
                    help_text=d["help_text"], call_note=d["call_note"], attachment=d["attachment"],
                    duplicate_confirmed=bool(d.get("duplicate_confirmed")))
            except ValidationError as error:
                _split_errors(error, form, answers)
            else:
                if created:
                    messages.success(request, f"Ansøgningen er registreret som sag {app.case.reference}.")
                else:
                    messages.info(request, "Ansøgningen var allerede registreret. Der er ikke oprettet en ny.")
                return redirect("intake:detail", application_id=app.pk)
    return render(request, "intake/register.html", {
        "duplicates": selectors.duplicate_cases(user=user, citizen=citizen, benefit_area=area, channel="web"),
        "citizen": citizen, "form": form, "answers": answers, "area": area,
        "area_label": BenefitArea(area).label})


def _split_errors(error: ValidationError, form, answers) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        if name in answers.fields:
            answers.add_error(name, errors)
        else:
            form.add_error(name if name in form.fields else None, errors)


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("intake.assess_needs")
def assess(request, citizen_id):
    today = _today()
    citizen = selectors.citizen_for_staff(user=request.user, citizen_id=citizen_id,
                                          what="Navn og helhedsvurdering", purpose="Særlige behov: helhedsvurdering",
                                          channel="web")
    colleagues = selectors.municipal_colleagues(citizen.home_municipality_id)
    form = AssessmentForm(request.POST or None, colleagues=colleagues, initial={
        "assessed_on": today, "review_on": today.replace(year=today.year + 1) if not (
            today.month == 2 and today.day == 29) else today + datetime.timedelta(days=365),
        "contact_person": str(request.user.pk)})
    done = submit_form(request, form, lambda d: registry.record_needs_assessment(
        citizen=citizen, actor=request.user, factors=d["factors"], factors_note=d["factors_note"],
        citizen_description=d["citizen_description"], conclusion=d["conclusion"], reasoning=d["reasoning"],
        contact_person=next((u for u in colleagues if str(u.pk) == d["contact_person"]), None),
        assessed_on=d["assessed_on"], review_on=d["review_on"]),
        success="Helhedsvurderingen er gemt.", then=lambda a: reverse("intake:assessment", args=[a.pk]))
    if done:
        return done
    return render(request, "intake/assess.html", {"citizen": citizen, "form": form})


@never_cache
@login_required_any
def assessment(request, assessment_id):
    a = selectors.get_assessment(user=request.user, assessment_id=assessment_id, channel="web")
    factors = [label for value, label in NeedsFactor.choices if value in a.factors]
    return render(request, "intake/assessment.html", {"a": a, "factors": factors})


@sensitive_post_parameters("representative_cpr")
@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("intake.manage_representations")
def staff_representations(request, citizen_id):
    citizen = selectors.citizen_for_staff(user=request.user, citizen_id=citizen_id, what="Navn og fuldmagter",
                                          purpose="Fuldmagt ved skranken", channel="web")
    return _representations_page(request, citizen, purpose="Fuldmagt ved skranken",
                                 template="intake/staff_representations.html",
                                 then=reverse("intake:staff_representations", args=[citizen.pk]))


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("intake.register_exemptions")
def exemption(request, citizen_id):
    today = _today()
    citizen = selectors.citizen_for_staff(user=request.user, citizen_id=citizen_id,
                                          what="Navn, fuldmagter og Digital Post",
                                          purpose="Fritagelse for Digital Post", channel="web")
    reps = selectors.representations_shown(user=request.user, citizen=citizen, purpose="Fritagelse for Digital Post",
                                           channel="web", permitting=("act", today))
    form = ExemptionForm(request.POST or None, request.FILES or None, representations=reps,
                         initial={"registered_on": today})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        problem = services.attachment_problem(d["declaration"])
        if problem:
            form.add_error("declaration", problem)
        else:
            rep = next((r for r in reps if str(r.pk) == d["representation"]), None)
            if d["who_came"] == "representative" and rep is None:
                form.add_error("representation", "Vælg den fuldmagt, repræsentanten kom med.")
            else:
                done = submit_form(request, form, lambda d: registry.register_digital_post_exemption(
                    citizen=citizen, ground=d["ground"], registered_on=d["registered_on"],
                    expires_on=d["expires_on"], declaration=d["declaration"],
                    representation=rep if d["who_came"] == "representative" else None, actor=request.user),
                    success=lambda e: f"Fritagelsen er registreret til {kortdato(e.expires_on)}. "
                                      "Breve sendes nu på papir.",
                    then=reverse("registry:overview", args=[citizen.pk]))
                if done:
                    return done
    return render(request, "intake/exemption.html", {
        "citizen": citizen, "form": form,
        "default_end": registry.digital_post_exemption_expiry(today)})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("intake.refer")
def refer(request, citizen_id):
    citizen = selectors.citizen_for_staff(user=request.user, citizen_id=citizen_id, what="Navn og bopælskommune",
                                          purpose="Henvisning til kommunen", channel="web")
    form = ReferralForm(request.POST or None)
    done = submit_form(request, form, lambda d: services.refer_to_municipality(
        actor=request.user, citizen=citizen, reason=d["reason"], today=_today(), idempotency_key=d["idempotency_key"]),
        success=lambda referred: f"Borgeren er henvist til {referred[0].municipality}. "
                                 f"Kommunen svarer senest {kortdato(referred[0].due_on)}.",
        then=lambda referred: reverse("intake:referral", args=[referred[0].pk]))
    if done:
        return done
    return render(request, "intake/refer.html", {
        "citizen": citizen, "form": form, "days": services.REFERRAL_RESPONSE_BUSINESS_DAYS})


@never_cache
@permission_required("intake.view_referrals")
def referrals(request):
    return render(request, "intake/referrals.html", {
        "referrals": selectors.referrals_for(user=request.user, channel="web"), "today": _today()})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("intake.view_referrals")
def referral(request, referral_id):
    r = selectors.get_referral(user=request.user, referral_id=referral_id, channel="web")
    can_answer = rules.has_perm("intake.answer_referral", request.user, r) and r.status == "open"
    form = ReferralAnswerForm(request.POST or None) if can_answer else None
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        done = submit_form(request, form, lambda d: services.answer_referral(
            referral=r, actor=request.user, accept=d["outcome"] == "accept", answer=d["answer"], now=timezone.now()),
            success="Svaret er gemt, og opgaven er løst.", then=reverse("intake:referral", args=[r.pk]))
        if done:
            return done
    return render(request, "intake/referral.html", {"r": r, "form": form, "today": _today()})


@never_cache
@permission_required("intake.view_channel_statistics")
def statistics(request):
    municipalities = selectors.statistics_municipalities(request.user)
    form = StatisticsForm(request.GET or None, municipalities=municipalities)
    code, area = None, ""
    if form.is_valid():
        code = int(form.cleaned_data["kommune"]) if form.cleaned_data["kommune"] else None
        area = form.cleaned_data["ydelse"]
    if code is None and len(municipalities) == 1:
        code = municipalities[0].code
    today = _today()
    since = today.replace(day=1)
    for _ in range(STATISTICS_MONTHS - 1):
        since = (since - datetime.timedelta(days=1)).replace(day=1)
    stats = selectors.channel_statistics(user=request.user, municipality_code=code, benefit_area=area,
                                         since=since)
    return render(request, "intake/statistics.html", {"form": form, "s": stats,
                                                      "area_label": BenefitArea(area).label if area else ""})




@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("intake.record_guidance")
def guidance_new(request, citizen_id):
    """Udbetaling Danmark records a guidance contact from the citizen's page."""
    citizen = selectors.citizen_for_staff(user=request.user, citizen_id=citizen_id, what="Navn og bopælskommune",
                                          purpose="Vejledning: registrere en kontakt", channel="web")
    today = _today()
    form = GuidanceForm(request.POST or None, initial={"contacted_on": today})
    done = submit_form(request, form, lambda data: services.record_guidance(
        actor=request.user, citizen=citizen, contacted_on=data["contacted_on"], channel=data["channel"],
        benefit_area=data["benefit_area"], topic=data["topic"], advice=data["advice"],
        refer=data["refer"] == "ja", referral_reason=data["referral_reason"], today=today),
        success=lambda contact: "Vejledningen er registreret." + (
            f" Borgeren er henvist til {contact.referral.municipality}." if contact.referral is not None else ""),
        then=reverse("registry:overview", args=[citizen.pk]))
    if done:
        return done
    return render(request, "intake/guidance_new.html", {"citizen": citizen, "form": form})


@never_cache
@permission_required("intake.view_applications")
def guidance(request, citizen_id):
    """Every guidance contact with the citizen, read-only: the evidence for a complaint about
    missing guidance (reached from the overview and from the complaints on a case)."""
    citizen, contacts = selectors.guidance_for(user=request.user, citizen_id=citizen_id, channel="web",
                                               purpose="Vejledning fra Udbetaling Danmark (fx ved klage)")
    return render(request, "intake/guidance.html", {
        "citizen": citizen, "contacts": contacts,
        "may_record": rules.has_perm("intake.record_guidance_for", request.user, citizen)})
