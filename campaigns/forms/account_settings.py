"""An account admin's settings: the country of local numbers, the time zone and the
balance below which the portal warns."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from campaigns.countries import country_choices
from campaigns.forms.composer import timezone_choices
from campaigns.models import Account


class AccountSettingsForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = ["timezone", "country", "low_balance_threshold"]
        labels = {
            "timezone": "Time zone",
            "country": "Country of local numbers",
            "low_balance_threshold": "Warn when the balance falls below",
        }
        help_texts = {
            "timezone": "Pages, reports and schedules show times in this zone.",
            "country": "Numbers written without a country code (0300 1234567) are read as this country's, "
            "in imports, the contact form and the API.",
            "low_balance_threshold": "The dashboard and the billing page show a warning below this amount. Empty: no warning.",
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

    def clean_low_balance_threshold(self) -> Decimal | None:
        value = self.cleaned_data.get("low_balance_threshold")
        if value is not None and value < 0:
            raise forms.ValidationError("The warning level cannot be negative; leave it empty for no warning.")
        return value

    def save(self, commit: bool = True) -> Account:
        account = super().save(commit=False)
        if commit:
            # Only these fields: never write a stale balance over the ledger's.
            account.save(update_fields=["timezone", "country", "low_balance_threshold"])
        return account
