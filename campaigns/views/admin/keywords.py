"""Keyword rules: the replies (STOP, START, HELP and their translations) that opt a number
out or in, or ask for help, each with its optional auto-reply."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.forms.admin_keywords import KeywordRuleForm
from campaigns.models import KeywordRule
from campaigns.services.keywords import rules_for
from portal.tenancy import admin_required, get_scoped


@admin_required
def keyword_list(request: HttpRequest) -> HttpResponse:
    rules = list(rules_for(request.account))
    groups = [(label, [r for r in rules if r.action == value]) for value, label in KeywordRule.Action.choices]
    return render(request, "admin_area/keywords/list.html", {"groups": groups})


@admin_required
def keyword_new(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")
    return keyword_form(request, KeywordRule(action=action if action in KeywordRule.Action.values else KeywordRule.Action.OPT_OUT))


@admin_required
def keyword_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return keyword_form(request, get_scoped(request, KeywordRule.objects.all(), subaccount_field=None, pk=pk))


@admin_required
@require_POST
def keyword_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_scoped(request, KeywordRule.objects.all(), subaccount_field=None, pk=pk)
    rule.delete()
    messages.success(request, f"Keyword {rule.keyword} deleted.")
    return redirect("admin_area:keywords")


def keyword_form(request: HttpRequest, rule: KeywordRule) -> HttpResponse:
    form = KeywordRuleForm(request.POST or None, instance=rule, account=request.account)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Keyword {saved.keyword} saved.")
        return redirect("admin_area:keywords")
    return render(request, "admin_area/keywords/form.html", {"form": form, "rule": rule})
