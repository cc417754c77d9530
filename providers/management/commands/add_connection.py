"""python manage.py add_connection --account SLUG --provider vt --base-url URL --credential apikey=KEY
       [--credential name=value ...] [--setting name=value ...] [--mps 50] [--name NAME] [--channels sms,voice]

Credentials use the provider document's own names; the connection's webhook URL path is
printed alone on the last line."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator

from campaigns.models import Account
from campaigns.services.audit import audited_command
from providers import registry
from providers.base import ProviderBackend, SettingField
from providers.models import ProviderConnection

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def parse_pairs(pairs: list[str], what: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"--{what} {pair!r} is not name=value.")
        values[name.strip()] = value
    return values


def check_credentials(backend: type[ProviderBackend], values: dict[str, str]) -> None:
    expected = [spec.name for spec in backend.credential_fields]
    listing = ", ".join(expected) or "none"
    unknown = sorted(set(values) - set(expected))
    if unknown:
        raise CommandError(f"{backend.name} has no credential {', '.join(unknown)}. Expected credential names: {listing}.")
    missing = [spec.name for spec in backend.credential_fields if spec.required and not values.get(spec.name)]
    if missing:
        raise CommandError(f"{backend.name} needs --credential {', '.join(missing)}. Expected credential names: {listing}.")


def coerce_setting(spec: SettingField, raw: str) -> Any:
    if spec.kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise CommandError(f"Setting {spec.name} must be a whole number, not {raw!r}.")
    if spec.kind == "bool":
        if raw.lower() not in TRUE_WORDS | FALSE_WORDS:
            raise CommandError(f"Setting {spec.name} must be true or false, not {raw!r}.")
        return raw.lower() in TRUE_WORDS
    if spec.kind == "choice" and raw not in {value for value, _ in spec.choices}:
        raise CommandError(f"Setting {spec.name} must be one of {', '.join(v for v, _ in spec.choices)}, not {raw!r}.")
    return raw


def parse_settings(backend: type[ProviderBackend], values: dict[str, str]) -> dict[str, Any]:
    specs = {spec.name: spec for spec in backend.setting_fields}
    unknown = sorted(set(values) - set(specs))
    if unknown:
        raise CommandError(f"{backend.name} has no setting {', '.join(unknown)}. Expected setting names: {', '.join(specs) or 'none'}.")
    return {name: coerce_setting(specs[name], raw) for name, raw in values.items()}


class Command(BaseCommand):
    help = "Add a provider connection to an account; prints its webhook URL path last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", required=True, help="The account's slug")
        parser.add_argument("--provider", required=True, help="Provider slug: " + ", ".join(sorted(registry.backends())))
        parser.add_argument("--base-url", default="", help="Defaults to the provider's own API address")
        parser.add_argument("--credential", action="append", default=[], metavar="NAME=VALUE", help="Repeat for each credential")
        parser.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE", help="Repeat for each setting")
        parser.add_argument("--mps", type=int, default=50, help="Messages per second (default 50)")
        parser.add_argument("--name", default="", help="Defaults to '<provider name>'")
        parser.add_argument("--channels", default="", help="Comma-separated subset of the provider's channels (default: all)")

    @audited_command
    def handle(self, *args, **options) -> None:
        account = Account.objects.filter(slug=options["account"]).first()
        if account is None:
            raise CommandError(f"No account with the slug {options['account']!r}.")
        try:
            backend = registry.backend_class(options["provider"])
        except registry.UnknownProvider:
            raise CommandError(f"No provider {options['provider']!r}. Choose one of: {', '.join(sorted(registry.backends()))}.")
        credentials = parse_pairs(options["credential"], "credential")
        check_credentials(backend, credentials)
        settings = parse_settings(backend, parse_pairs(options["setting"], "setting"))
        conn = ProviderConnection(
            account=account,
            provider=backend.slug,
            name=self.connection_name(account, backend, options["name"]),
            base_url=self.base_url(backend, options["base_url"]),
            mps=self.mps(options["mps"]),
            channels=self.channels(backend, options["channels"]),
            settings=settings,
        )
        conn.set_credentials(credentials)
        conn.save()
        self.stdout.write(f"Added connection {conn.name} ({backend.name}) to {account.slug}. Give the provider this webhook URL:")
        self.stdout.write(conn.webhook_path())

    def connection_name(self, account: Account, backend: type[ProviderBackend], name: str) -> str:
        name = name.strip() or backend.name[:100]
        if ProviderConnection.objects.filter(account=account, name__iexact=name).exists():
            raise CommandError(f"{account.slug} already has a connection named {name!r}; pass another --name.")
        return name

    def base_url(self, backend: type[ProviderBackend], url: str) -> str:
        url = (url or backend.default_base_url).rstrip("/")
        try:
            URLValidator()(url)
        except ValidationError:
            raise CommandError(f"--base-url {url!r} is not a valid http(s) URL.")
        return url

    def mps(self, value: int) -> int:
        if value < 1:
            raise CommandError("--mps must be at least 1.")
        return value

    def channels(self, backend: type[ProviderBackend], raw: str) -> list[str]:
        wanted = [c.strip() for c in raw.split(",") if c.strip()]
        offered = [c.value for c in backend.channels()]
        bad = [c for c in wanted if c not in offered]
        if bad:
            raise CommandError(f"{backend.name} does not offer {', '.join(bad)}; it offers {', '.join(offered)}.")
        return wanted
