"""Prices per channel and destination prefix, and top-ups."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from campaigns.models import Campaign, LedgerEntry, Price, Subaccount

MAX_TOP_UP = Decimal("1000000")

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
        error_messages = {
            "amount": {
                "required": "Enter the price per unit, e.g. 0.0085.",
                "invalid": "Enter the price as a number, e.g. 0.0085.",
                "max_decimal_places": "Use at most 5 decimals.",
                "max_digits": "That price is too large.",
                "max_whole_digits": "That price is too large.",
            },
            "channel": {"required": "Choose the channel this price is for.", "invalid_choice": "Choose one of the channels."},
            "unit": {"required": "Choose what the price is per.", "invalid_choice": "Choose one of the units."},
        }
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
    """Credit added by platform staff; the reason is kept on the ledger entry with who added it."""

    amount = forms.DecimalField(
        max_digits=12,
        decimal_places=2,
        label="Amount to add",
        error_messages={
            "required": "Enter the amount to add.",
            "invalid": "Enter the amount as a number, e.g. 250 or 250.50.",
            "max_digits": "That is more than one top-up can add.",
            "max_decimal_places": "Use at most 2 decimals (cents).",
            "max_whole_digits": "That is more than one top-up can add.",
        },
    )
    reason = forms.CharField(
        max_length=300,
        label="Reason",
        help_text="Shown in the account's ledger, e.g. the bank transfer or invoice reference.",
        error_messages={"required": "Say why the credit is added (the payment reference, a goodwill credit...)."},
    )
    subaccount = forms.ModelChoiceField(
        queryset=Subaccount.objects.none(),
        required=False,
        empty_label="Whole account",
        error_messages={"invalid_choice": "Choose one of the subaccounts of this account."},
    )

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subaccount"].queryset = Subaccount.objects.filter(account=account)
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "min": "0.01", "step": "0.01"})

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError("A top-up adds money: enter an amount above zero.")
        if amount > MAX_TOP_UP:
            raise forms.ValidationError(f"One top-up adds at most {MAX_TOP_UP:,}; split larger payments.")
        return amount


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


class LedgerDrillDownForm(forms.Form):
    """Which ledger line to open: its day (in the viewer's zone), campaign ("none" for single
    API sends) and subaccount."""

    day = forms.DateField(input_formats=["%Y-%m-%d"], error_messages={"required": "Say which day.", "invalid": "The day is not a date."})
    campaign = forms.CharField(required=False)
    subaccount = forms.IntegerField(required=False, error_messages={"invalid": "The subaccount is not one of yours."})

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_campaign(self):
        value = (self.cleaned_data.get("campaign") or "none").strip()
        if value == "none":
            return None
        campaign = Campaign.objects.filter(account=self.account, pk=value).first() if value.isdigit() else None
        if campaign is None:
            raise forms.ValidationError("This campaign is not one of yours.")
        return campaign

    def clean_subaccount(self):
        value = self.cleaned_data.get("subaccount")
        if value is None:
            return None
        subaccount = Subaccount.objects.filter(account=self.account, pk=value).first()
        if subaccount is None:
            raise forms.ValidationError("The subaccount is not one of yours.")
        return subaccount
