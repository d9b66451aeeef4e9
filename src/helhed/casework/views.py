"""Pages of casework: the case list and the case page with its timeline, letters, tasks
and actions (caseworkers of the municipality and Udbetaling Danmark's staff), complaints
and retroactive correction, the work queue, the print queue, and the citizen's Digital
Post in self-service."""

from __future__ import annotations

import datetime
import uuid

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from helhed.casework import outbox, selectors, services
from helhed.casework.forms import (
    ACTION_TITLES,
    ACTIONS,
    ACTIONS_BY_STATUS,
    CaseFilterForm,
    ChangeDecisionForm,
    CitizenComplaintForm,
    CitizenHearingForm,
    ComplaintForm,
    CorrectionForm,
    ForwardForm,
    LateComplaintForm,
    NoteForm,
    OutcomeForm,
    QuestionForm,
    TaskFilterForm,
)
from helhed.casework.models import Case, CaseStatus, ComplaintOutcome, ComplaintStage
from helhed.core import next_steps
from helhed.core.formats import kortdato
from helhed.core.views import permission_required
from helhed.core.views_support import attachment, perform, permitted, stale_error, submit_form

PURPOSE = "Sagsbehandling: arbejde med borgerens sag"

_SERVICES = services.ACTIONS
# The actions about a hearing's answer: the municipal contact person may register them too.
_RESPONSE_ACTIONS = ("svar", "afkald")
_HEARING_ACTIONS = ("svar", "afkald", "forlaeng")
# Decisions to the citizen's disadvantage: held against today's date as well (policy.hearing_hold).
_HELD_ACTIONS = ("afslag", "tilbagebetaling")


@never_cache
@permission_required("casework.view_cases")
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    found = selectors.case_list(user=request.user, channel="web", status=data.get("status", ""),
                                benefit_area=data.get("benefit_area", ""), mine=data.get("mine") == "1")
    return render(request, "casework/cases.html", {"form": form, "cases": found,
                                                   "limit": selectors.LIST_LIMIT})


def _case_url(case_id) -> str:
    return reverse("casework:case", args=[case_id])


def _case_page(request, case_id, *, forms=None, complaint_forms=None, stale=None, note_form=None,
               question_form=None):
    d = selectors.case_detail(user=request.user, case_id=case_id, purpose=PURPOSE, channel="web")
    c = d.case
    today = timezone.localdate()
    forms = forms or {}
    actions = []
    awaiting = d.awaiting_hearing
    for name in ACTIONS_BY_STATUS[c.status]:
        if not (d.can_work or (d.can_respond and name in _RESPONSE_ACTIONS)):
            continue
        if name in _HEARING_ACTIONS and awaiting is None:
            continue
        if name == "behandling" and awaiting is not None and today <= awaiting.deadline:
            continue  # the citizen's deadline runs: answer, waiver or extension only
        if name == "partshoering" and c.status == CaseStatus.DECIDED and (awaiting or c.decision != "granted"):
            continue
        form = forms.get(name) or ACTIONS[name](prefix=name, initial={
            "version": c.version, "on": today, "starts_on": c.benefit_starts_on or today,
            "monthly_amount": c.monthly_amount, "year": today.year - 1,
            "due_on": today + datetime.timedelta(days=30),
            "deadline": awaiting.deadline + datetime.timedelta(days=14) if awaiting else None})
        actions.append((name, ACTION_TITLES[name], form))
    complaint_forms = complaint_forms or {}
    complaint_actions = []
    for complaint in d.complaints:
        if not d.can_work:
            break
        if complaint.stage == ComplaintStage.LATE_REVIEW:
            form = complaint_forms.get(("late", complaint.pk)) or LateComplaintForm(
                prefix=f"late-{complaint.pk}", initial={"on": today})
            complaint_actions.append((complaint, "late", "Tag stilling til klagen, der kom for sent", form))
        elif complaint.stage == ComplaintStage.RECONSIDERATION:
            form = complaint_forms.get(("change", complaint.pk)) or ChangeDecisionForm(
                prefix=f"change-{complaint.pk}", initial={"on": today, "starts_on": c.benefit_starts_on or today,
                                                          "monthly_amount": c.monthly_amount})
            complaint_actions.append((complaint, "change", "Genvurdering: ændr afgørelsen (borgeren får ret)", form))
            form = complaint_forms.get(("forward", complaint.pk)) or ForwardForm(
                prefix=f"forward-{complaint.pk}", initial={"on": today})
            complaint_actions.append((complaint, "forward",
                                      "Genvurdering: fasthold afgørelsen og send klagen til Ankestyrelsen", form))
        elif complaint.stage == ComplaintStage.FORWARDED:
            form = complaint_forms.get(("outcome", complaint.pk)) or OutcomeForm(
                prefix=f"outcome-{complaint.pk}", initial={"on": today})
            complaint_actions.append((complaint, "outcome", "Registrér Ankestyrelsens afgørelse", form))
        elif complaint.awaits_correction:
            form = complaint_forms.get(("correct", complaint.pk)) or CorrectionForm(
                prefix=f"correct-{complaint.pk}", initial={
                    "on": today, "until": c.benefit_starts_on or today, "monthly_rate": c.monthly_amount})
            complaint_actions.append((complaint, "correct", "Beregn efterbetaling", form))
    complaint_form = None
    if d.can_complain and c.status == CaseStatus.DECIDED:
        complaint_form = complaint_forms.get("new") or ComplaintForm(prefix="klage", initial={"received_on": today})
    return render(request, "casework/case.html", {
        "d": d, "c": c, "actions": actions, "complaint_actions": complaint_actions, "complaint_form": complaint_form,
        "stale": stale,
        "note_form": (note_form or NoteForm(prefix="notat")) if d.can_note else None,
        "question_form": (question_form or QuestionForm(prefix="spoergsmaal")) if d.can_ask_udk else None,
    }, status=409 if stale else 200)


@never_cache
@permission_required("casework.view_cases")
def case(request, case_id):
    return _case_page(request, case_id)


def _workable_case(request, case_id) -> Case:
    c = permitted(request, "casework.work_case", selectors.get_case(user=request.user, case_id=case_id))
    return c


@require_POST
@never_cache
@permission_required("casework.view_cases")
def case_action(request, case_id, action):
    if action not in ACTIONS:
        raise Http404
    if action in _RESPONSE_ACTIONS:
        c = selectors.get_case(user=request.user, case_id=case_id)
        if not rules.has_perm("casework.respond_to_hearing", request.user, c):
            raise PermissionDenied
    else:
        c = _workable_case(request, case_id)
    form = ACTIONS[action](request.POST, prefix=action)
    extra = {"today": timezone.localdate()} if action in _HELD_ACTIONS else {}
    done = submit_form(request, form, lambda data: _SERVICES[action](case=c, actor=request.user, **data, **extra),
                       success=f"{ACTION_TITLES[action]}: gjort.", then=_case_url(case_id))
    return done or _case_page(request, case_id, forms={action: form}, stale=stale_error(form))


@require_POST
@never_cache
@permission_required("casework.view_cases")
def complaint_create(request, case_id):
    c = permitted(request, "casework.record_complaint", selectors.get_case(user=request.user, case_id=case_id))
    form = ComplaintForm(request.POST, prefix="klage")
    done = submit_form(request, form, lambda data: services.record_complaint(case=c, actor=request.user, **data),
                       success="Klagen er registreret.", then=_case_url(case_id))
    return done or _case_page(request, case_id, complaint_forms={"new": form})


@require_POST
@never_cache
@permission_required("casework.view_cases")
def case_note(request, case_id):
    """The contact person (or a caseworker on the case) adds a note to the timeline."""
    c = permitted(request, "casework.add_note", selectors.get_case(user=request.user, case_id=case_id))
    form = NoteForm(request.POST, prefix="notat")
    done = submit_form(
        request, form, lambda data: services.add_note(case=c, actor=request.user, on=timezone.localdate(),
                                                      text=data["text"]),
        success="Notatet er gemt i sagens tidslinje.", then=_case_url(case_id))
    return done or _case_page(request, case_id, note_form=form)


@require_POST
@never_cache
@permission_required("casework.view_cases")
def case_question(request, case_id):
    """The contact person asks Udbetaling Danmark about the case (its Kvik-linje queue)."""
    from helhed.fasttrack.services import ask_about_case

    c = permitted(request, "casework.ask_udk", selectors.get_case(user=request.user, case_id=case_id))
    form = QuestionForm(request.POST, prefix="spoergsmaal")
    done = submit_form(request, form, lambda data: ask_about_case(actor=request.user, case=c, **data),
                       success=lambda q: f"Spørgsmålet er sendt til Udbetaling Danmark. De svarer senest "
                                         f"{kortdato(q.due_on)}. Svaret kommer her på sagen.",
                       then=_case_url(case_id))
    return done or _case_page(request, case_id, question_form=form)


_COMPLAINT_STEPS = {
    "late": (LateComplaintForm, services.decide_late_complaint, "Din stillingtagen til klagen er registreret."),
    "change": (ChangeDecisionForm, services.change_decision,
               "Afgørelsen er ændret. Borgeren får et nyt brev med afgørelsen."),
    "forward": (ForwardForm, services.forward_complaint,
                "Afgørelsen er fastholdt, og klagen er sendt til Ankestyrelsen. Borgeren får et brev."),
    "outcome": (OutcomeForm, services.record_complaint_outcome, "Ankestyrelsens afgørelse er registreret."),
    "correct": (CorrectionForm, services.correct_retroactively,
                "Efterbetalingen er beregnet og udbetalt, og borgeren får et brev."),
}


@require_POST
@never_cache
@permission_required("casework.view_cases")
def complaint_step(request, complaint_id, step):
    if step not in _COMPLAINT_STEPS:
        raise Http404
    complaint = selectors.get_complaint(user=request.user, complaint_id=complaint_id)
    _workable_case(request, complaint.case_id)
    form_class, service, said = _COMPLAINT_STEPS[step]
    form = form_class(request.POST, prefix=f"{step}-{complaint.pk}")
    done = submit_form(
        request, form, lambda data: service(complaint=complaint, actor=request.user, **data),
        success=lambda _: said + (" Skriv nu datoen, borgeren skulle have fået ydelsen fra."
                                  if step == "outcome" and form.cleaned_data["outcome"] == ComplaintOutcome.MISGUIDED
                                  else ""),
        then=_case_url(complaint.case_id))
    return done or _case_page(request, complaint.case_id, complaint_forms={(step, complaint.pk): form})


@require_GET
@never_cache
def letter_pdf(request, letter_id):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    letter = selectors.letter_for_download(user=request.user, letter_id=letter_id, today=timezone.localdate(),
                                           channel="web")
    return attachment(outbox.pdf_for(letter), f"brev-{letter.case.reference}-{letter.kind}.pdf")


# --- Self-service --------------------------------------------------------------------------------------------

@never_cache
@permission_required("casework.use_digital_post")
def mailbox(request, complaint_form=None, complaint_case=None, status=200):
    box = selectors.mailbox(user=request.user, today=timezone.localdate(), channel="web")
    forms = {}
    for c in box.cases:
        if c.status == CaseStatus.DECIDED:
            forms[c.pk] = (complaint_form if complaint_case == c.pk else
                           CitizenComplaintForm(prefix=f"klage-{c.pk}", initial={"key": uuid.uuid4()}))
    names = {r.pk: r.full_name for r in box.represented}
    return render(request, "casework/mailbox.html", {"helped_cases": box.helped_cases,
        "box": box, "letters": [(x, names.get(x.citizen_id)) for x in box.letters],
        "cases": [(c, forms.get(c.pk)) for c in box.cases],
        "has_errors": any(f.errors for f in forms.values())}, status=status)


@never_cache
@permission_required("casework.use_digital_post")
def represented(request, citizen_id):
    """The cases, letters and hearings of a citizen the user holds a fuldmagt for (read-only)."""
    view = selectors.represented_view(user=request.user, citizen_id=citizen_id, today=timezone.localdate(),
                                      channel="web")
    return render(request, "casework/represented.html", {"v": view})
def _self_service_page(request, case_id, *, hearing_form=None, complaint_form=None, status=200, d=None):
    # ``d``: the case as the POST handler already read (and audited) it, so that the page
    # shown again with the form's errors is not a second read-log entry.
    d = d or selectors.self_service_case(user=request.user, case_id=case_id, today=timezone.localdate(),
                                         channel="web")
    c = d.case
    can_answer, can_complain = d.may_act and d.hearing is not None, d.may_act and c.status == CaseStatus.DECIDED
    hearing_form = (hearing_form or CitizenHearingForm(prefix="svar")) if can_answer else None
    complaint_form = (complaint_form or CitizenComplaintForm(prefix=f"klage-{c.pk}", initial={"key": uuid.uuid4()})
                      if can_complain else None)
    return render(request, "casework/self_service_case.html", {
        "d": d, "c": c, "hearing_form": hearing_form, "complaint_form": complaint_form,
        "has_errors": any(f is not None and f.errors for f in (hearing_form, complaint_form))}, status=status)


@require_GET
@never_cache
@permission_required("casework.use_digital_post")
def self_service_case(request, case_id):
    return _self_service_page(request, case_id)


HEARING_ANSWERED = "Tak. Vi har fået dit svar. " + " ".join(next_steps.after_hearing_answer())


@require_POST
@never_cache
@permission_required("casework.use_digital_post")
def citizen_hearing_answer(request, case_id):
    d = selectors.self_service_case(user=request.user, case_id=case_id, today=timezone.localdate(), channel="web",
                                    action="act")
    if d.hearing is None and d.case.hearings.filter(registered_by=request.user).exclude(response="").exists():
        # The answer sent twice (a double click, a reload): the first one is kept.
        messages.info(request, HEARING_ANSWERED)
        return redirect("casework:self_service_case", case_id=case_id)
    form = CitizenHearingForm(request.POST, prefix="svar")
    done = submit_form(
        request, form,
        lambda data: services.respond_to_hearing(case=d.case, version=d.case.version, actor=request.user,
                                                 on=timezone.localdate(), response=data["response"],
                                                 answer=data["answer"], representative=d.representative),
        success=HEARING_ANSWERED, then=reverse("casework:self_service_case", args=[case_id]))
    return done or _self_service_page(request, case_id, hearing_form=form, d=d)


@require_POST
@never_cache
@permission_required("casework.use_digital_post")
def citizen_complaint(request, case_id):
    d = selectors.self_service_case(user=request.user, case_id=case_id, today=timezone.localdate(), channel="web",
                                    action="act")
    c = d.case
    form = CitizenComplaintForm(request.POST, prefix=f"klage-{c.pk}")
    done = submit_form(
        request, form,
        lambda data: services.record_complaint(case=c, actor=request.user, received_on=timezone.localdate(),
                                               text=data["text"], representative=d.representative,
                                               key=f"citizen-{data['key']}"),
        success="Vi har fået klagen. " + " ".join(next_steps.after_complaint(received_on=timezone.localdate())),
        then=reverse("casework:self_service_case", args=[case_id]) if d.representation else "casework:mailbox")
    if done:
        return done
    if d.representation:
        return _self_service_page(request, case_id, complaint_form=form, d=d)
    return mailbox(request, complaint_form=form, complaint_case=c.pk)


# --- Staff queues ---------------------------------------------------------------------------------------------

@never_cache
@permission_required("casework.view_print_queue")
def print_queue(request):
    found = selectors.print_queue(user=request.user, channel="web")
    return render(request, "casework/print_queue.html", {"letters": found, "limit": selectors.LIST_LIMIT})


@require_POST
@never_cache
@permission_required("casework.view_print_queue")
def letter_printed(request, letter_id):
    letter = selectors.get_print_letter(user=request.user, letter_id=letter_id)
    return perform(request, lambda: services.mark_printed(letter=letter, actor=request.user, now=timezone.now()),
                   success=f"Brevet »{letter.subject}« er markeret som udskrevet.", then="casework:print_queue")


@require_POST
@never_cache
@permission_required("casework.view_print_queue")
def letter_retry(request, letter_id):
    letter = selectors.get_print_letter(user=request.user, letter_id=letter_id)
    outbox.retry_failed(letter=letter)
    messages.success(request, "Brevet er lagt i udbakken igen.")
    return redirect("casework:print_queue")


@never_cache
@permission_required("casework.view_work_queue")
def work_queue(request):
    form = TaskFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {"status": "open"}
    found = selectors.work_queue(user=request.user, channel="web", status=data.get("status", ""),
                                 kind=data.get("kind", ""), mine=data.get("mine") == "1")
    return render(request, "casework/work_queue.html", {"form": form, "tasks": found, "limit": selectors.LIST_LIMIT,
                                                        "today": timezone.localdate()})


@require_POST
@never_cache
@permission_required("casework.view_work_queue")
def task_take(request, task_id):
    task = selectors.get_task(user=request.user, task_id=task_id)
    return perform(request, lambda: services.take_task(task=task, actor=request.user),
                   success=f"Du har taget opgaven »{task.title}«.", then="casework:work_queue")


@require_POST
@never_cache
@permission_required("casework.view_work_queue")
def task_done(request, task_id):
    task = selectors.get_task(user=request.user, task_id=task_id)
    services.complete_task(task=task, actor=request.user, now=timezone.now())
    messages.success(request, f"Opgaven »{task.title}« er løst.")
    return redirect("casework:work_queue")
