"""Segments: the list, the editor (conditions built in static/js/segments.js, counted live)
and delete. Viewers read a segment; marketers and admins change it."""

from __future__ import annotations

import json
import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns.models import Segment
from campaigns.services import segments as seg
from portal.tenancy import bound_subaccount, get_scoped, member_required, scoped, sender_required

EMPTY = {"match": "all", "groups": [{"match": "all", "rules": []}]}


def parse_conditions(raw: str | None):
    """The conditions JSON a form or query string carries (None when it is no JSON at all)."""
    try:
        return json.loads((raw or "")[:20000])
    except ValueError:
        return None


def _segments(request: HttpRequest):
    return scoped(request, Segment.objects.select_related("created_by"))


@member_required
def segment_index(request: HttpRequest) -> HttpResponse:
    return render(request, "segments/index.html", {"segments": _segments(request)})


def _editor(request: HttpRequest, segment: Segment | None, name: str, conditions, errors: list[str], status: int = 200) -> HttpResponse:
    context = {
        "segment": segment,
        "name": name,
        "conditions": conditions if isinstance(conditions, dict) else EMPTY,
        "catalog": seg.catalog(request.account, bound_subaccount(request)),
        "errors": errors,
        "readonly": not request.membership.can_send,
    }
    return render(request, "segments/editor.html", context, status=status)


def _save(request: HttpRequest, segment: Segment | None) -> HttpResponse:
    name = " ".join(request.POST.get("name", "").split())[:120]
    raw = parse_conditions(request.POST.get("conditions"))
    errors = [] if name else ["Give the segment a name."]
    taken = Segment.objects.filter(account=request.account, name=name).exclude(pk=getattr(segment, "pk", None))
    if name and taken.exists():
        errors.append(f"A segment named “{name}” already exists.")
    try:
        conditions = seg.clean_conditions(request.account, subaccount=bound_subaccount(request), conditions=raw)
    except seg.SegmentError as exc:
        errors += exc.problems
        conditions = raw
    if errors:
        return _editor(request, segment, name, conditions, errors, status=400)
    if segment is None:
        segment = Segment(account=request.account, subaccount=request.membership.subaccount, created_by=request.user)
    segment.name, segment.conditions = name, conditions
    segment.save()
    messages.success(request, f"Segment “{segment.name}” saved.")
    return redirect("segment_detail", pk=segment.pk)


@sender_required
def segment_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    # "Save as segment" from the contacts page brings its filter along.
    conditions = parse_conditions(request.GET.get("conditions"))
    return _editor(request, None, request.GET.get("name", "")[:120], conditions, [])


@member_required
def segment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_scoped(request, Segment.objects.all(), pk=pk)
    if request.method == "POST":
        if not request.membership.can_send:
            raise PermissionDenied("Viewers cannot change segments.")
        return _save(request, segment)
    return _editor(request, segment, segment.name, segment.conditions, [])


@sender_required
@require_POST
def segment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_scoped(request, Segment.objects.all(), pk=pk)
    segment.delete()
    messages.success(request, f"Segment “{segment.name}” deleted (its contacts stay).")
    return redirect("segments")


@member_required
def segment_count(request: HttpRequest) -> JsonResponse:
    """The live count while editing: contacts matching now, and how many a campaign would reach."""
    started = time.perf_counter()
    try:
        conditions = seg.clean_conditions(
            request.account, subaccount=bound_subaccount(request), conditions=parse_conditions(request.GET.get("conditions"))
        )
    except seg.SegmentError as exc:
        return JsonResponse({"errors": exc.problems}, status=400)
    counts = seg.live_counts(request.account, conditions)
    return JsonResponse({**counts, "ms": round((time.perf_counter() - started) * 1000)})
