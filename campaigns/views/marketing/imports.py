"""Contact import: upload -> column mapping with a preview -> background run with a live
progress bar -> a CSV of the rejected rows."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from campaigns.forms.contacts import ImportMappingForm, ImportUploadForm
from campaigns.forms.fields import object_id
from campaigns.models import ContactList, ImportJob
from campaigns.services import audit
from campaigns.services.imports import ImportFileError, guess_mapping, read_preview, start_import
from portal.tenancy import get_scoped, member_required, scoped, sender_required


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_scoped(request, ImportJob.objects.all(), subaccount_field=None, pk=pk)


@sender_required
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob.objects.create(account=request.account, created_by=request.user, file=upload, original_name=upload.name)
        try:
            read_preview(Path(job.file.path), job.original_name)
        except ImportFileError as exc:
            job.file.delete(save=False)
            job.delete()
            form.add_error("file", str(exc))
        else:
            target = request.GET.get("list", "")
            return redirect(reverse("import_map", kwargs={"pk": job.pk}) + (f"?list={target}" if object_id(target) else ""))
    recent = scoped(request, ImportJob.objects.select_related("contact_list"), subaccount_field=None)[:10]
    return render(request, "contacts/import_upload.html", {"form": form, "recent": recent})


@sender_required
def import_map(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status != ImportJob.Status.UPLOADED:
        return redirect("import_detail", pk=job.pk)
    try:
        headers, sample = read_preview(Path(job.file.path), job.original_name)
    except (ImportFileError, OSError) as exc:
        messages.error(request, f"This file cannot be read any more: {exc}")
        return redirect("import_upload")
    lists = scoped(request, ContactList.objects.all())
    initial_list = request.GET.get("list")
    form = ImportMappingForm(
        request.POST or None,
        headers=headers,
        guesses=guess_mapping(headers),
        list_queryset=lists,
        account=request.account,
        initial={"contact_list": initial_list} if initial_list else None,
    )
    if request.method == "POST" and form.is_valid():
        _start(request, job, form.cleaned_data)
        return redirect("import_detail", pk=job.pk)
    return render(request, "contacts/import_map.html", {"job": job, "form": form, "headers": headers, "sample": sample})


def _start(request: HttpRequest, job: ImportJob, data: dict) -> None:
    target = data.get("contact_list")
    if data.get("new_list"):
        target = ContactList.objects.create(
            account=request.account, subaccount=request.membership.subaccount, name=data["new_list"].strip()
        )
    job.mapping = {**data["mapping"], "__region__": data.get("region") or ""}
    job.contact_list = target
    start_import(job)


@member_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status == ImportJob.Status.UPLOADED and request.membership.can_send:
        return redirect("import_map", pk=job.pk)  # not started: its columns still need mapping
    return render(request, "contacts/import_detail.html", {"job": job})


@member_required
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "total": job.total_rows,
            "processed": job.processed_rows,
            "created": job.created_count,
            "updated": job.updated_count,
            "rejected": job.rejected_count,
            "duplicates": job.duplicate_count,
            "opted_out": job.opted_out_count,
            "percent": job.percent,
            "error": job.error,
            "rejects_url": f"/contacts/import/{job.pk}/rejects.csv" if job.rejects_file else "",
            "finished": job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED),
        }
    )


@member_required
def import_rejects(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if not job.rejects_file:
        raise Http404("This import rejected no rows.")
    audit.record("contacts.exported", target=job, target_label=f"Rejected rows of import {job.pk}", changes={"what": "rejected rows CSV"})
    return FileResponse(job.rejects_file.open("rb"), as_attachment=True, filename=f"rejected-rows-{job.pk}.csv", content_type="text/csv")
