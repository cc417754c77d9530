"""A route: channel, destination match, strategy, optional subaccount, and its connections
in order (with weights for a weighted route), each message's candidates in that order."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms

from campaigns.models import Route, Subaccount
from campaigns.models.senders import CHANNEL_CHOICES
from providers.models import ProviderConnection

MAX_MEMBERS = 5


class RouteForm(forms.ModelForm):
    class Meta:
        model = Route
        fields = ["name", "channel", "match_kind", "match_value", "strategy", "subaccount", "enabled"]
        labels = {
            "match_kind": "Destinations",
            "match_value": "Match",
            "strategy": "How to choose the connection",
            "subaccount": "Only for subaccount",
            "enabled": "Enabled",
        }
        help_texts = {
            "match_value": "Prefix: digits after +, e.g. 92300. Network: its name, e.g. Jazz. Country: e.g. PK. Empty for every destination."
        }
        widgets = {"match_kind": forms.RadioSelect, "strategy": forms.RadioSelect}

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["subaccount"].queryset = Subaccount.objects.filter(account=account)
        self.fields["subaccount"].empty_label = "Every subaccount"
        self.fields["match_value"].required = False
        self.connections = ProviderConnection.objects.filter(account=account).order_by("name")
        current = list(self.instance.members.order_by("position", "pk")) if self.instance.pk else []
        weighted = self.instance.strategy == Route.Strategy.WEIGHTED
        for i in range(MAX_MEMBERS):
            member = current[i] if i < len(current) else None
            self.fields[f"connection_{i}"] = forms.ModelChoiceField(
                queryset=self.connections,
                required=False,
                empty_label="—",
                label=f"Connection {i + 1}",
                initial=member.connection_id if member else None,
            )
            self.fields[f"weight_{i}"] = forms.IntegerField(
                required=False, min_value=0, max_value=100, label="Share %", initial=member.weight if member and weighted else None
            )

    def member_rows(self) -> list[dict[str, Any]]:
        return [{"n": i + 1, "connection": self[f"connection_{i}"], "weight": self[f"weight_{i}"]} for i in range(MAX_MEMBERS)]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        taken = Route.objects.filter(account=self.account, name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"A route called {name} already exists.")
        return name

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("match_kind")
        if kind:
            data["match_value"] = self._match_value(kind, (data.get("match_value") or "").strip())
        self.members = self._clean_members(data)
        if kind and "match_value" not in self.errors and data.get("channel"):
            self._check_overlap(data)
        return data

    def _match_value(self, kind: str, value: str) -> str:
        if kind == Route.Match.DEFAULT:
            return ""
        if not value:
            self.add_error("match_value", f"Give the {dict(Route.Match.choices)[kind].lower()} to match.")
            return value
        if kind == Route.Match.PREFIX:
            digits = value.lstrip("+").replace(" ", "")
            if not digits.isdigit() or len(digits) > 15:
                self.add_error("match_value", f"{value} is not a number prefix: digits after +, e.g. 92300.")
            return digits
        if kind == Route.Match.COUNTRY:
            code = value.upper()
            if code not in phonenumbers.SUPPORTED_REGIONS:
                self.add_error("match_value", f"{value} is not a two-letter country code, e.g. PK.")
            return code
        return value

    def _clean_members(self, data: dict) -> list[tuple[ProviderConnection, int]]:
        chosen = [(i, data.get(f"connection_{i}"), data.get(f"weight_{i}")) for i in range(MAX_MEMBERS)]
        chosen = [(i, conn, weight) for i, conn, weight in chosen if conn is not None]
        if not chosen:
            self.add_error("connection_0", "Choose at least one connection.")
            return []
        seen: set[int] = set()
        channel, weighted = data.get("channel"), data.get("strategy") == Route.Strategy.WEIGHTED
        for i, conn, _ in chosen:
            if conn.pk in seen:
                self.add_error(f"connection_{i}", f"{conn.name} is already in this route.")
            seen.add(conn.pk)
            if channel and not _serves(conn, channel):
                self.add_error(f"connection_{i}", f"{conn.name} does not send {dict(CHANNEL_CHOICES)[channel]}.")
            if weighted and not conn.is_active:
                self.add_error(f"connection_{i}", f"{conn.name} is inactive: it would get no share.")
        if weighted:
            self._check_weights(chosen)
        return [(conn, (weight or 0) if weighted else 1) for _, conn, weight in chosen]

    def _check_weights(self, chosen: list) -> None:
        missing = [i for i, _, weight in chosen if weight is None]
        for i in missing:
            self.add_error(f"weight_{i}", "Give this connection's share in %.")
        total = sum(weight or 0 for _, _, weight in chosen)
        if not missing and total != 100:
            self.add_error(None, f"The shares add up to {total}%; make them 100%.")

    def _check_overlap(self, data: dict) -> None:
        same = Route.objects.filter(
            account=self.account,
            channel=data["channel"],
            match_kind=data["match_kind"],
            match_value__iexact=data["match_value"],
            subaccount=data.get("subaccount"),
            enabled=True,
        ).exclude(pk=self.instance.pk)
        clash = same.first()
        if clash is not None and data.get("enabled"):
            self.add_error(None, f"The route {clash.name} already covers these destinations; edit it, or disable one of them.")

    def save(self, commit: bool = True) -> Route:
        self.instance.account = self.account
        return super().save(commit=False)


def _serves(connection: ProviderConnection, channel: str) -> bool:
    try:
        return connection.serves(channel)
    except Exception:  # its provider is not installed
        return False
