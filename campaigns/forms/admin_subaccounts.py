"""Subaccounts (cost centers) with an optional credit limit."""

from __future__ import annotations

from django import forms

from campaigns.models import Subaccount


class SubaccountForm(forms.ModelForm):
    class Meta:
        model = Subaccount
        fields = ["name", "credit_limit", "is_active"]
        labels = {"is_active": "Active"}

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["credit_limit"].widget.attrs["min"] = "0"
        if self.instance.pk is None:
            del self.fields["is_active"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Subaccount.objects.filter(account=self.account, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another subaccount already has this name.")
        return name

    def clean_credit_limit(self):
        limit = self.cleaned_data.get("credit_limit")
        if limit is not None and limit < 0:
            raise forms.ValidationError("The credit limit cannot be negative; leave it empty for no limit.")
        return limit

    def save(self, commit: bool = True) -> Subaccount:
        self.instance.account = self.account
        return super().save(commit=commit)
