"""Prices per channel and destination prefix, and top-ups."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from campaigns.models import LedgerEntry, Price, Subaccount

# Which billing unit makes sense for which channel.
UNITS_BY_CHANNEL = {
    "sms": {Price.Unit.SEGMENT, Price.Unit.MESSAGE},
    "voice": {Price.Unit.PULSE30, Price.Unit.MESSAGE},
    "whatsapp": {Price.Unit.MESSAGE},
    "ussd": {Price.Unit.MESSAGE},
}


class PriceForm(forms.ModelForm):
    class Meta:
        model = Price
        fields = ["channel", "prefix", "unit", "amount"]
        labels = {"prefix": "Destination prefix", "amount": "Price per unit"}
        help_texts = {"prefix": "Country/network code digits without +, e.g. 92 or 92300; empty for every destination."}

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["amount"].widget.attrs.update({"min": "0", "step": "0.00001"})

    def clean_prefix(self) -> str:
        prefix = self.cleaned_data.get("prefix", "").strip().lstrip("+")
        if prefix and not prefix.isdigit():
            raise forms.ValidationError("A prefix is digits only, e.g. 92 or 92300.")
        return prefix

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount < 0:
            raise forms.ValidationError("A price cannot be negative.")
        return amount

    def clean(self) -> dict:
        data = super().clean()
        channel, unit = data.get("channel"), data.get("unit")
        if channel and unit and unit not in UNITS_BY_CHANNEL.get(channel, {unit}):
            allowed = ", ".join(Price.Unit(u).label for u in sorted(UNITS_BY_CHANNEL[channel]))
            self.add_error("unit", f"{channel.upper()} is billed {allowed}.")
        if channel and "prefix" in data:
            clash = Price.objects.filter(account=self.account, channel=channel, prefix=data["prefix"]).exclude(pk=self.instance.pk)
            if clash.exists():
                where = f"+{data['prefix']}" if data["prefix"] else "every destination"
                self.add_error("prefix", f"There is already a {channel.upper()} price for {where}; edit that one.")
        return data

    def validate_unique(self) -> None:
        pass  # checked in clean() with a clearer message (account is not a form field)

    def save(self, commit: bool = True) -> Price:
        self.instance.account = self.account
        return super().save(commit=commit)


class TopUpForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=4, min_value=Decimal("0.0001"), max_value=Decimal("100000000"))
    description = forms.CharField(max_length=300, required=False, help_text="E.g. the payment reference.")
    subaccount = forms.ModelChoiceField(queryset=Subaccount.objects.none(), required=False, empty_label="Whole account")

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subaccount"].queryset = Subaccount.objects.filter(account=account)


class LedgerFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "All entries"), *LedgerEntry.Kind.choices], required=False)
    subaccount = forms.ModelChoiceField(queryset=Subaccount.objects.none(), required=False, empty_label="All subaccounts")

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subaccount"].queryset = Subaccount.objects.filter(account=account)

    def apply(self, entries):
        if not self.is_valid():
            return entries
        if self.cleaned_data.get("kind"):
            entries = entries.filter(kind=self.cleaned_data["kind"])
        if self.cleaned_data.get("subaccount"):
            entries = entries.filter(subaccount=self.cleaned_data["subaccount"])
        return entries
