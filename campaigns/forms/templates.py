"""Forms for message templates and voice recordings."""

from __future__ import annotations

import wave
from decimal import Decimal

from django import forms

from campaigns.encoding import analyze
from campaigns.forms.composer import MAX_SMS_SEGMENTS
from campaigns.models import Template, VoiceRecording
from campaigns.rendering import account_fields, problems

AUDIO_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".m4a": "audio/mp4"}
MAX_AUDIO_BYTES = 10 * 1024 * 1024


class TemplateForm(forms.ModelForm):
    """SMS text templates and voice call templates (WhatsApp ones come from the provider)."""

    kind = forms.ChoiceField(choices=[("sms", "SMS text"), ("voice", "Voice call template")], widget=forms.RadioSelect)
    variables_text = forms.CharField(
        required=False,
        label="Call parameters",
        help_text="Names of var1..n, one per line (what each means, for marketers).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Template
        fields = ["kind", "name", "body", "provider_template_id", "connection"]
        labels = {"body": "Message", "provider_template_id": "Call template number (the provider's call flow id)"}
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, connections, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["connection"].queryset = connections
        self.fields["connection"].required = False
        self.fields["connection"].label = "Connection (voice)"
        if self.instance.pk:
            self.fields["variables_text"].initial = "\n".join(self.instance.variables or [])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == "sms":
            body = data.get("body", "")
            if not body.strip():
                self.add_error("body", "Write the message text.")
            elif analyze(body).segments > MAX_SMS_SEGMENTS:
                self.add_error("body", f"Too long: {analyze(body).segments} segments; at most {MAX_SMS_SEGMENTS}.")
            for problem in problems(body, account_fields(self.instance.account_id)):
                self.add_error("body", problem)
        elif data.get("kind") == "voice":
            if not (data.get("provider_template_id") or "").strip():
                self.add_error("provider_template_id", "Give the call template number the provider set up.")
            if not data.get("connection"):
                self.add_error("connection", "Choose the connection this call template belongs to.")
        return data

    def save(self, commit: bool = True) -> Template:
        template = super().save(commit=False)
        template.variables = [v.strip() for v in self.cleaned_data.get("variables_text", "").splitlines() if v.strip()]
        if template.kind == "sms":
            template.connection, template.provider_template_id = None, ""
        if commit:
            template.save()
        return template


def wav_duration(upload) -> Decimal | None:
    try:
        upload.seek(0)
        with wave.open(upload) as audio:
            seconds = audio.getnframes() / float(audio.getframerate())
    except (wave.Error, EOFError, ZeroDivisionError, OSError):
        return None
    finally:
        upload.seek(0)
    return Decimal(f"{seconds:.2f}")


class RecordingForm(forms.ModelForm):
    duration_hint = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=7, decimal_places=2)

    class Meta:
        model = VoiceRecording
        fields = ["name", "file", "connection"]
        labels = {"file": "Audio file (.wav, .mp3, .ogg, .m4a)", "connection": "Connection it is for"}

    def __init__(self, *args, connections, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["connection"].queryset = connections
        self.fields["connection"].required = False
        self.fields["file"].widget.attrs["accept"] = ",".join([*AUDIO_TYPES, *AUDIO_TYPES.values()])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in AUDIO_TYPES:
            raise forms.ValidationError("Upload a .wav, .mp3, .ogg or .m4a file.")
        if upload.size > MAX_AUDIO_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB.")
        if suffix == ".wav" and wav_duration(upload) is None:
            raise forms.ValidationError("This .wav file cannot be read as audio.")
        return upload

    def save(self, commit: bool = True) -> VoiceRecording:
        recording = super().save(commit=False)
        upload = self.cleaned_data["file"]
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower()
        recording.content_type = AUDIO_TYPES[suffix]
        recording.duration_seconds = (wav_duration(upload) if suffix == ".wav" else None) or self.cleaned_data.get("duration_hint")
        if commit:
            recording.save()
        return recording


class RecordingConnectionForm(forms.ModelForm):
    """Tie a recording uploaded before any voice connection existed to one, so it can be approved."""

    class Meta:
        model = VoiceRecording
        fields = ["connection"]
        labels = {"connection": "Voice connection it is for"}

    def __init__(self, *args, connections, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["connection"].queryset = connections
        self.fields["connection"].required = True
        self.fields["connection"].empty_label = "Choose the connection…"
        self.fields["connection"].error_messages["required"] = "Choose the voice connection this recording is for."


class RecordingDecisionForm(forms.ModelForm):
    """An admin records the provider's approval and its reference number."""

    class Meta:
        model = VoiceRecording
        fields = ["status", "provider_reference"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") == VoiceRecording.Status.APPROVED and self.instance.connection_id is None:
            self.add_error(
                "status", "Choose the voice connection it was approved on first: a reference number belongs to one provider account."
            )
        if data.get("status") == VoiceRecording.Status.APPROVED and not (data.get("provider_reference") or "").strip():
            self.add_error("provider_reference", "An approved recording needs the provider's reference number.")
        return data
