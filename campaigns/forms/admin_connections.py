"""The provider connection form, built from the provider's credential and setting fields.

Secret credentials are write-only: their inputs are never filled in, and on edit a blank
input keeps the stored value."""

from __future__ import annotations

from typing import Any

from django import forms

from campaigns.models.senders import CHANNEL_CHOICES
from providers.base import CredentialField, ProviderBackend, SettingField
from providers.models import ProviderConnection

CRED = "cred__"
SETTING = "setting__"


def credential_form_field(spec: CredentialField, *, stored: bool) -> forms.Field:
    help_text = spec.help_text
    if spec.secret:
        widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
        if stored:
            help_text = (help_text + " " if help_text else "") + "A value is stored; leave blank to keep it."
    else:
        widget = forms.TextInput(attrs={"autocomplete": "off"})
    return forms.CharField(
        label=spec.label,
        required=spec.required and not (stored and spec.secret),
        max_length=500,
        strip=True,
        widget=widget,
        help_text=help_text,
    )


def setting_form_field(spec: SettingField) -> forms.Field:
    common: dict[str, Any] = {"label": spec.label, "help_text": spec.help_text, "required": spec.required}
    if spec.kind == "bool":
        return forms.BooleanField(**{**common, "required": False})
    if spec.kind == "int":
        return forms.IntegerField(**common)
    if spec.kind == "choice":
        choices = spec.choices if spec.required else (("", "—"), *spec.choices)
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(max_length=300, **common)


class ConnectionForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="How this connection appears in the composer, e.g. “VT main”.")
    base_url = forms.URLField(
        label="Base URL", max_length=300, assume_scheme="https", help_text="The provider's API address; point it at a simulator to test."
    )
    mps = forms.IntegerField(
        label="Throughput (messages per second)",
        min_value=1,
        max_value=10000,
        initial=50,
        help_text="Across all workers.",
        error_messages={
            "required": "Enter how many messages per second this connection may send.",
            "invalid": "Enter a whole number of messages per second, e.g. 50.",
            "min_value": "A connection sends at least 1 message per second.",
            "max_value": "At most 10,000 messages per second; ask the provider for a second connection beyond that.",
        },
    )
    channels = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Which channels this connection serves; none ticked means all it can.",
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args, backend: type[ProviderBackend], account, instance: ProviderConnection | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.backend, self.account, self.instance = backend, account, instance
        stored = instance.get_credentials() if instance else {}
        self.fields["base_url"].initial = backend.default_base_url
        if backend.base_url_help:
            self.fields["base_url"].help_text = f"The document's base URL: {backend.base_url_help} Point it at a simulator to test."
        labels = dict(CHANNEL_CHOICES)
        self.fields["channels"].choices = [(c.value, labels.get(c.value, c.value)) for c in backend.channels()]
        if instance is None:
            del self.fields["is_active"]
        for spec in backend.credential_fields:
            self.fields[CRED + spec.name] = credential_form_field(spec, stored=bool(stored.get(spec.name)))
            if not spec.secret and spec.name in stored:
                self.initial.setdefault(CRED + spec.name, stored[spec.name])
        for spec in backend.setting_fields:
            self.fields[SETTING + spec.name] = setting_form_field(spec)
            self.initial.setdefault(
                SETTING + spec.name, (instance.settings or {}).get(spec.name, spec.default) if instance else spec.default
            )
        if instance:
            for name in ("name", "base_url", "mps", "channels", "is_active"):
                self.initial.setdefault(name, getattr(instance, name))

    def credential_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(CRED)]

    def setting_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(SETTING)]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "base_url", "mps", "channels", "is_active") if name in self.fields]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = ProviderConnection.objects.filter(account=self.account, name__iexact=name)
        if self.instance:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another connection already has this name.")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors or not data.get("base_url") or not self._address_changed(data):
            return data
        from providers.checks import probe_base_url

        problem = probe_base_url(self.backend, data["base_url"], self.credentials(), self.settings_values(), self.account.pk)
        if problem:
            self.add_error("base_url", problem)
        return data

    def _address_changed(self, data: dict[str, Any]) -> bool:
        """A new connection, another base URL or new credentials: worth a test call."""
        if self.instance is None or data["base_url"].rstrip("/") != self.instance.base_url.rstrip("/"):
            return True
        return any(data.get(CRED + spec.name) for spec in self.backend.credential_fields if spec.secret)

    def credentials(self) -> dict[str, str]:
        """Stored values, replaced by every credential typed in."""
        values = self.instance.get_credentials() if self.instance else {}
        for spec in self.backend.credential_fields:
            typed = self.cleaned_data.get(CRED + spec.name, "")
            if typed:
                values[spec.name] = typed
            elif not spec.secret:
                values.pop(spec.name, None)  # a shown field emptied on purpose
        return values

    def settings_values(self) -> dict[str, Any]:
        values = dict(self.instance.settings or {}) if self.instance else {}
        for spec in self.backend.setting_fields:
            value = self.cleaned_data.get(SETTING + spec.name)
            if value in (None, "") and spec.kind != "bool":
                values.pop(spec.name, None)
            else:
                values[spec.name] = value
        return values

    def save(self) -> ProviderConnection:
        conn = self.instance or ProviderConnection(account=self.account, provider=self.backend.slug)
        conn.name = self.cleaned_data["name"]
        conn.base_url = self.cleaned_data["base_url"].rstrip("/")
        conn.mps = self.cleaned_data["mps"]
        conn.channels = list(self.cleaned_data["channels"])
        conn.is_active = self.cleaned_data.get("is_active", True)
        conn.settings = self.settings_values()
        conn.set_credentials(self.credentials())
        conn.save()
        return conn
