"""python manage.py create_account "Acme" --admin admin@acme.test --password PW

Creates the account (with a unique slug), a default subaccount and its first admin.
The account's slug is printed alone on the last line, for scripts."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q

from campaigns.models import Account, Membership, Role, Subaccount
from campaigns.services.audit import audited_command

DEFAULT_SUBACCOUNT = "Main"


class Command(BaseCommand):
    help = "Create an account with a default subaccount and its admin user; prints the account's slug last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The company's name, e.g. Acme")
        parser.add_argument("--admin", required=True, help="The admin's email (also the login)")
        parser.add_argument("--password", required=True, help="The admin's initial password")
        parser.add_argument("--timezone", default="UTC")
        parser.add_argument("--currency", default="USD")

    @audited_command
    def handle(self, *args, **options) -> None:
        name = options["name"].strip()
        email = options["admin"].strip().lower()
        if not name:
            raise CommandError("The account name is empty.")
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid email address.")
        if not options["password"]:
            raise CommandError("The password is empty.")
        self.check_password(options["password"], email)
        existing = get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).first()
        if existing is not None:
            membership = Membership.objects.filter(user=existing).select_related("account").first()
            where = f" (admin of account {membership.account.slug})" if membership else ""
            raise CommandError(f"A user with the email {email} already exists{where}; choose another admin email.")
        account = self.create(name, email, options)
        self.stdout.write(f"Created account {account.name} with subaccount {DEFAULT_SUBACCOUNT} and admin {email}.")
        self.stdout.write(account.slug)

    def check_password(self, password: str, email: str) -> None:
        """The same rules as the portal's password pages (length, common, e-mail, Summer2026)."""
        candidate = get_user_model()(username=email, email=email)
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise CommandError("The password is too weak: " + " ".join(exc.messages))

    @transaction.atomic
    def create(self, name: str, email: str, options: dict) -> Account:
        account = Account.objects.create(
            name=name, slug=Account.unique_slug(name), timezone=options["timezone"], currency=options["currency"].upper()[:3]
        )
        Subaccount.objects.create(account=account, name=DEFAULT_SUBACCOUNT)
        user = get_user_model().objects.create_user(username=email, email=email, password=options["password"])
        Membership.objects.create(user=user, account=account, role=Role.ADMIN)
        return account
