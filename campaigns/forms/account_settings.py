"""An account admin's settings: the country of local numbers, the time zone, the
balance below which the portal warns, quiet hours and the frequency cap."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from campaigns.countries import country_choices
from campaigns.forms.composer import timezone_choices
from campaigns.models import Account

SEND_TIME_FIELDS = ["quiet_hours_enabled", "quiet_start", "quiet_end", "multi_zone_rule", "cap_messages", "cap_period", "cap_per_channel"]


class AccountSettingsForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = ["timezone", "country", "low_balance_threshold", *SEND_TIME_FIELDS]
        labels = {
            "timezone": "Time zone",
            "country": "Country of local numbers",
            "low_balance_threshold": "Warn when the balance falls below",
            "quiet_hours_enabled": "Keep quiet hours",
            "quiet_start": "No marketing from",
            "quiet_end": "until",
            "multi_zone_rule": "A number in several time zones follows",
            "cap_messages": "At most messages per contact",
            "cap_period": "in any",
            "cap_per_channel": "Count each channel apart",
        }
        help_texts = {
            "timezone": "Pages, reports and schedules show times in this zone.",
            "country": "Numbers written without a country code (0300 1234567) are read as this country's, "
            "in imports, the contact form and the API.",
            "low_balance_threshold": "The dashboard and the billing page show a warning below this amount. Empty: no warning.",
            "quiet_hours_enabled": "Every campaign holds back recipients inside these hours, in the recipient's own local time, "
            "until they end (never dropped). Transactional API sends are not held.",
            "multi_zone_rule": "The zone comes from the contact's timezone field, else from the number. For a number "
            "whose area spans several zones (e.g. +61, +7): the first of them to reach the send time, the last, or this account's zone.",
            "cap_messages": "Campaigns skip (or defer, as each campaign chooses) a contact who already had this many. "
            "Transactional API sends (OTP, alerts) are never held but count. Empty: no cap.",
            "cap_per_channel": "Off: SMS, voice and WhatsApp messages count together.",
            "quiet_start": "",
            "quiet_end": "",
        }
        error_messages = {
            "low_balance_threshold": {
                "invalid": "Enter the amount as a number, e.g. 50.",
                "max_decimal_places": "Use at most 2 decimals.",
                "max_digits": "That amount is too large.",
                "max_whole_digits": "That amount is too large.",
            },
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"] = forms.ChoiceField(
            label="Time zone", help_text=self.Meta.help_texts["timezone"], choices=timezone_choices(self.instance.timezone)
        )
        self.fields["country"] = forms.ChoiceField(
            label="Country of local numbers",
            help_text=self.Meta.help_texts["country"],
            required=False,
            choices=[("", "Guess it from the time zone"), *country_choices()],
        )
        self.fields["low_balance_threshold"].widget.attrs.update({"inputmode": "decimal", "min": "0", "step": "0.01"})
        for name in ("quiet_start", "quiet_end"):
            self.fields[name].widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
        for name in ("quiet_start", "quiet_end", "multi_zone_rule", "cap_period"):
            self.fields[name].required = False  # a form without them keeps the account's values
        self.fields["cap_messages"].widget.attrs.update({"min": "1", "inputmode": "numeric"})
        self.fields["cap_messages"].error_messages["min_value"] = "The cap is at least 1 message; leave it empty for no cap."

    def clean_cap_messages(self) -> int | None:
        value = self.cleaned_data.get("cap_messages")
        if value == 0:
            raise forms.ValidationError("The cap is at least 1 message; leave it empty for no cap.")
        return value

    def clean(self) -> dict:
        data = super().clean()
        for name in ("quiet_start", "quiet_end", "multi_zone_rule", "cap_period"):
            if not data.get(name) and name not in self.errors:
                data[name] = getattr(self.instance, name)
        if data.get("quiet_hours_enabled") and data.get("quiet_start") and data.get("quiet_start") == data.get("quiet_end"):
            self.add_error("quiet_end", "Quiet hours need a start and an end that differ.")
        return data

    def clean_low_balance_threshold(self) -> Decimal | None:
        value = self.cleaned_data.get("low_balance_threshold")
        if value is not None and value < 0:
            raise forms.ValidationError("The warning level cannot be negative; leave it empty for no warning.")
        return value

    def save(self, commit: bool = True) -> Account:
        account = super().save(commit=False)
        if commit:
            # Only these fields: never write a stale balance over the ledger's.
            account.save(update_fields=["timezone", "country", "low_balance_threshold", *SEND_TIME_FIELDS])
        return account
