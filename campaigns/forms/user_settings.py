"""A user's own settings: the time zone pages are shown in, the phone for test sends."""

from __future__ import annotations

from django import forms

from campaigns.forms.composer import timezone_choices
from campaigns.forms.phones import PhoneError, normalize_phone
from campaigns.models import Membership


class UserSettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Every time in the portal is shown in this zone, with its name.",
    )
    phone = forms.CharField(
        label="My phone number", required=False, max_length=20, help_text="Test sends go here unless you type another number."
    )

    class Meta:
        model = Membership
        fields = ["timezone", "phone"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        account_zone = self.instance.account.timezone
        same = [("", f"The account's zone ({account_zone.replace('_', ' ')})")]
        self.fields["timezone"].choices = same + timezone_choices(self.instance.timezone)

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw)
        except PhoneError as exc:
            raise forms.ValidationError(str(exc)) from exc
