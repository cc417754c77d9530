"""A user's own settings: the time zone pages are shown in, the phone for test sends."""

from __future__ import annotations

from django import forms

from campaigns.forms.composer import timezone_choices
from campaigns.forms.phones import PhoneError, normalize_phone
from campaigns.models import Membership, NoticeKind, NotificationPreference, Role


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


class NotificationPreferenceForm(forms.Form):
    """Which notifications a user gets, in the portal and by e-mail: only the kinds their role receives."""

    in_app = forms.MultipleChoiceField(label="In the portal", required=False, widget=forms.CheckboxSelectMultiple)
    email = forms.MultipleChoiceField(label="By e-mail", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, preference: NotificationPreference, role: str, **kwargs) -> None:
        kwargs.setdefault("initial", {"in_app": preference.in_app, "email": preference.email})
        super().__init__(*args, **kwargs)
        self.preference = preference
        self.kinds = [(kind, NoticeKind(kind).label) for kind in kinds_for_role(role)]
        for name in ("in_app", "email"):
            self.fields[name].choices = self.kinds

    def rows(self) -> list[dict]:
        """One row per kind with its two checkboxes' states, for the table on the page."""
        chosen = {name: set(self[name].value() or []) for name in ("in_app", "email")}
        return [
            {"kind": kind, "label": label, "in_app": kind in chosen["in_app"], "email": kind in chosen["email"]}
            for kind, label in self.kinds
        ]

    def save(self) -> NotificationPreference:
        shown = {kind for kind, _ in self.kinds}
        pref = self.preference
        # Kinds this role does not get keep their value (a role may change later).
        pref.in_app = sorted((set(pref.in_app) - shown) | set(self.cleaned_data["in_app"]))
        pref.email = sorted((set(pref.email) - shown) | set(self.cleaned_data["email"]))
        pref.save()
        return pref


def kinds_for_role(role: str) -> list[str]:
    if role == Role.ADMIN:
        return list(NoticeKind.values)
    if role == Role.MARKETER:
        return [k for k in NoticeKind.values if k not in (NoticeKind.LOW_BALANCE, NoticeKind.CONNECTION_OUT)]
    return [NoticeKind.CAMPAIGN_FINISHED.value]
