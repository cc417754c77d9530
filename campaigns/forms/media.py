"""The WhatsApp media library form: a file or a public link, for one connection."""

from __future__ import annotations

from django import forms

from campaigns.services.media import MAX_BYTES


class MediaForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="How it appears when you choose media for a campaign.")
    connection = forms.ModelChoiceField(queryset=None, empty_label=None, help_text="The WhatsApp connection it is registered with.")
    file = forms.FileField(required=False, help_text="An image, video, audio or document (at most 16 MB).")
    url = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label="Or a public link", help_text="https://… the provider can fetch."
    )

    def __init__(self, *args, connections, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["connection"].queryset = connections

    def clean(self) -> dict:
        data = super().clean()
        upload, url = data.get("file"), data.get("url")
        if bool(upload) == bool(url):
            raise forms.ValidationError("Give either a file or a link (one of them).")
        if upload and upload.size > MAX_BYTES:
            self.add_error("file", f"The file has {upload.size // 1024 // 1024} MB; WhatsApp takes at most 16 MB.")
        return data
