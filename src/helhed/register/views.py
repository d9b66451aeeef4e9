"""Pages of the register engine: upload an extract, run a rule for a date, see the counts
per municipality and, for one's own municipalities, the citizens. Works without JavaScript."""

import csv

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from helhed.core import formats
from helhed.core.views import permission_required
from helhed.register import selectors, services
from helhed.register.forms import ExtractUploadForm, RunRuleForm
from helhed.register.targetgroups import RULES


def _index_context(request, *, upload_form=None, run_form=None, run_extract=None):
    user = request.user
    may_run = rules.has_perm("register.run_targetgroup", user)
    return {
        "results": selectors.results_visible_to(user)[:100],
        "extracts": selectors.extracts_visible_to(user)[:50] if may_run else [],
        "may_run": may_run,
        "upload_form": upload_form or ExtractUploadForm(),
        "run_form": run_form or RunRuleForm(),
        "run_extract": run_extract,
        "rules": RULES.values(),
    }


@never_cache
@permission_required("register.view_results")
def index(request):
    return render(request, "register/index.html", _index_context(request))


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("register.run_targetgroup")
def upload(request):
    if request.method == "GET":
        return redirect("register:index")
    form = ExtractUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            extract = services.upload_extract(user=request.user, upload=form.cleaned_data["file"],
                                              description=form.cleaned_data["description"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"Udtrækket {extract.original_name} er kontrolleret og gemt "
                             f"({extract.periods:,} perioder).".replace(",", "."))
            return redirect("register:index")
    return render(request, "register/index.html", _index_context(request, upload_form=form), status=400)


@require_POST
@never_cache
@permission_required("register.run_targetgroup")
def run(request, extract_id):
    extract = selectors.get_extract(user=request.user, extract_id=extract_id)
    form = RunRuleForm(request.POST)
    if form.is_valid():
        try:
            result = services.run_target_group(user=request.user, extract=extract,
                                               rule_name=form.cleaned_data["rule"], as_of=form.cleaned_data["as_of"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("register:result", result_id=result.pk)
    return render(request, "register/index.html",
                  _index_context(request, run_form=form, run_extract=extract), status=400)


@never_cache
@permission_required("register.view_results")
def result(request, result_id):
    found = selectors.get_result(user=request.user, result_id=result_id)
    rule = RULES.get(found.rule_name)
    parameters = [(key, ", ".join(map(str, value)) if isinstance(value, list) else value)
                  for key, value in found.parameters.items()]
    return render(request, "register/result.html", {
        "result": found,
        "rule": rule,
        "parameters": parameters,
        "counts": selectors.result_counts(found),
        "member_scope": sorted(selectors.member_scope(request.user)),
    })


@never_cache
@permission_required("register.view_results")
def result_counts_csv(request, result_id):
    found = selectors.get_result(user=request.user, result_id=result_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.rule_name}-{found.as_of:%Y-%m-%d}-kommuner.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(("kommunekode", "count"))
    for code in sorted(int(c) for c in found.counts):
        writer.writerow((code, found.count_for(code)))
    return response


@never_cache
@permission_required("register.view_members")
def members(request, result_id):
    found = selectors.get_result(user=request.user, result_id=result_id)
    rows = selectors.result_members(user=request.user, result=found, channel="web",
                                    purpose="Målgruppe: kommunens borgere i målgruppen")
    rule = RULES.get(found.rule_name)
    figures = rule.figures if rule else ()
    return render(request, "register/members.html", {
        "result": found, "figures": [rule.figure_labels.get(f, f) for f in figures],
        "rows": [(row, [formats.figure(row.member.figures.get(f)) for f in figures]) for row in rows],
        "linked": sum(1 for r in rows if r.citizen is not None),
    })
