"""Sender ID request and decision forms, with the per-channel format rules."""

from __future__ import annotations

import re

import phonenumbers
from django import forms

from campaigns.models import SenderID, Subaccount
from campaigns.models.senders import CHANNEL_CHOICES
from providers.models import ProviderConnection

SENDER_CHANNELS = [c for c in CHANNEL_CHOICES if c[0] in ("sms", "voice", "whatsapp")]

ALPHANUMERIC = re.compile(r"^[A-Za-z0-9]{3,11}$")
NUMERIC = re.compile(r"^\+?[0-9]{1,18}$")
CALLER_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,14}$")
CALLER_NUMBER = re.compile(r"^\+?[0-9]{3,18}$")


def normalize_sms_sender(value: str) -> str:
    """Alphanumeric 3-11 characters (letters and digits) or numeric up to 18 digits."""
    compact = value.strip()
    if NUMERIC.match(compact):
        return compact.lstrip("+")
    if ALPHANUMERIC.match(compact):
        return compact
    if re.search(r"[^A-Za-z0-9+]", compact):
        raise forms.ValidationError(
            "An SMS sender ID uses letters and digits only (no spaces or symbols): 3 to 11 characters, or a number of up to 18 digits."
        )
    if compact.isdigit() or compact.lstrip("+").isdigit():
        raise forms.ValidationError("A numeric SMS sender ID has at most 18 digits.")
    raise forms.ValidationError("An alphanumeric SMS sender ID has 3 to 11 characters.")


def normalize_caller_id(value: str) -> str:
    """A phone number (3-18 digits) or a caller label the provider assigned (e.g. VT-vOTP)."""
    compact = value.strip().replace(" ", "")
    if CALLER_NUMBER.match(compact):
        return compact
    if CALLER_LABEL.match(compact) and not compact.lstrip("+").isdigit():
        return compact
    raise forms.ValidationError(
        "A caller ID is a phone number of 3 to 18 digits, or a label your provider assigned "
        "(3 to 15 letters, digits or hyphens, e.g. VT-vOTP)."
    )


def normalize_whatsapp_number(value: str) -> str:
    """A valid phone number in international format, stored as E.164 (+ and digits)."""
    compact = value.strip()
    if not compact.startswith("+"):
        compact = "+" + compact.lstrip("0")
    try:
        number = phonenumbers.parse(compact, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError("A WhatsApp sender is a valid phone number in international format, e.g. +923001234567.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


NORMALIZERS = {"sms": normalize_sms_sender, "voice": normalize_caller_id, "whatsapp": normalize_whatsapp_number}


class SenderRequestForm(forms.Form):
    channel = forms.ChoiceField(choices=SENDER_CHANNELS, initial="sms")
    value = forms.CharField(
        label="Sender ID",
        max_length=40,
        help_text="SMS: 3-11 letters/digits or a number up to 18 digits. Voice: a caller ID. WhatsApp: the number, e.g. +923001234567.",
    )
    connection = forms.ModelChoiceField(
        queryset=ProviderConnection.objects.none(),
        required=False,
        empty_label="Any connection",
        help_text="The connection this sender is registered with, if only one.",
    )
    subaccount = forms.ModelChoiceField(
        queryset=Subaccount.objects.none(), required=False, empty_label="Whole account", help_text="Who may use it."
    )
    purpose = forms.CharField(max_length=200, required=False, help_text="What you will send with it (helps the approver).")

    def __init__(self, *args, account, membership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["connection"].queryset = ProviderConnection.objects.filter(account=account, is_active=True)
        if membership.is_admin:
            self.fields["subaccount"].queryset = Subaccount.objects.filter(account=account, is_active=True)
        else:
            # A marketer's request belongs to their own subaccount.
            del self.fields["subaccount"]
        self.membership = membership

    def clean(self) -> dict:
        data = super().clean()
        channel, value = data.get("channel"), data.get("value")
        if not channel or not value:
            return data
        try:
            data["value"] = NORMALIZERS[channel](value)
        except forms.ValidationError as exc:
            self.add_error("value", exc)
            return data
        if SenderID.objects.filter(account=self.account, channel=channel, value__iexact=data["value"]).exists():
            self.add_error("value", f"{data['value']} already exists for {channel.upper()} in this account (see the list).")
        connection = data.get("connection")
        if connection and not connection.serves(channel):
            self.add_error("connection", f"{connection.name} does not serve {channel}.")
        elif connection:
            from campaigns.services.limits import sender_problems

            for problem in sender_problems(connection, channel, data["value"]):
                self.add_error("value", problem)
        return data

    def save(self, user) -> SenderID:
        subaccount = self.cleaned_data.get("subaccount") if "subaccount" in self.fields else self.membership.subaccount
        return SenderID.objects.create(
            account=self.account,
            subaccount=subaccount,
            channel=self.cleaned_data["channel"],
            value=self.cleaned_data["value"],
            connection=self.cleaned_data.get("connection"),
            purpose=self.cleaned_data.get("purpose", ""),
            requested_by=user,
        )


class SenderDecisionForm(forms.Form):
    ACTIONS = [("approve", "Approve"), ("reject", "Reject"), ("disable", "Disable"), ("enable", "Enable again")]
    action = forms.ChoiceField(choices=ACTIONS)
    note = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Shown to the requester.")

    # Which decision may follow which status.
    ALLOWED = {
        "approve": {SenderID.Status.REQUESTED, SenderID.Status.REJECTED},
        "reject": {SenderID.Status.REQUESTED},
        "disable": {SenderID.Status.APPROVED},
        "enable": {SenderID.Status.DISABLED},
    }

    def __init__(self, *args, sender: SenderID, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sender = sender

    def clean(self) -> dict:
        data = super().clean()
        action = data.get("action")
        if action and self.sender.status not in self.ALLOWED[action]:
            raise forms.ValidationError(f"A {self.sender.get_status_display().lower()} sender ID cannot be {action}d.")
        if action == "reject" and not data.get("note"):
            self.add_error("note", "Say why it is rejected, so the requester can fix it.")
        if action in ("approve", "enable"):
            from campaigns.services.limits import sender_approval_problems

            for problem in sender_approval_problems(self.sender):
                self.add_error(None, f"It cannot be used: {problem}")
        return data
