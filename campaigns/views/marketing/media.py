"""The WhatsApp media library: upload a file or link once; campaigns and API sends reuse it."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from campaigns.forms.media import MediaForm
from campaigns.models import MediaAsset
from campaigns.services.media import guess, media_connections, queue_register
from portal.tenancy import member_required, scoped

SIGNING_SALT = "media-asset"


@member_required
def media_index(request: HttpRequest) -> HttpResponse:
    connections = media_connections(request.account.pk)
    form = MediaForm(request.POST or None, request.FILES or None, connections=connections)
    if request.method == "POST":
        if not request.membership.can_send:
            return HttpResponse("Viewers cannot upload media.", status=403)
        if form.is_valid():
            asset = _create(request, form.cleaned_data)
            queue_register(asset)
            messages.success(request, f"{asset.name} is being registered with {asset.connection.name}.")
            return redirect("media_index")
    assets = scoped(request, MediaAsset.objects.select_related("connection"), subaccount_field=None)[:200]
    return render(request, "media/index.html", {"assets": assets, "form": form, "connections": connections})


def _create(request: HttpRequest, data: dict) -> MediaAsset:
    upload, url = data.get("file"), data.get("url") or ""
    kind, mime = guess(upload.name if upload else url, getattr(upload, "content_type", "") if upload else "")
    asset = MediaAsset(
        account=request.account,
        connection=data["connection"],
        name=data["name"],
        kind=kind,
        mime_type=mime[:100],
        source_url=url,
        uploaded_by=request.user,
    )
    if upload:
        asset.file.save(upload.name, upload, save=False)
    asset.save()
    return asset


def public_token(asset: MediaAsset) -> str:
    return signing.dumps(asset.pk, salt=SIGNING_SALT)


@require_GET
def media_public(request: HttpRequest, token: str) -> HttpResponse:
    """The unguessable link the provider fetches an uploaded file from (no login)."""
    try:
        pk = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        raise Http404("No such media.") from None
    asset = get_object_or_404(MediaAsset, pk=pk)
    if not asset.file:
        raise Http404("No such media.")
    return FileResponse(asset.file.open("rb"), content_type=asset.mime_type)
