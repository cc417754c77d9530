"""Creating users with a role, and changing a member's role or subaccount."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.db import transaction
from django.db.models import Q

from campaigns.models import Membership, Role, Subaccount


class RoleFieldsMixin(forms.Form):
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.MARKETER,
        help_text="Admin: everything in the account. Marketer: composes and launches. Viewer: reads reports.",
    )
    subaccount = forms.ModelChoiceField(
        queryset=Subaccount.objects.none(),
        required=False,
        empty_label="Choose a subaccount (admins need none)",
        help_text="Marketers and viewers work inside one subaccount.",
    )

    def setup_subaccounts(self, account) -> None:
        self.account = account
        self.fields["subaccount"].queryset = Subaccount.objects.filter(account=account, is_active=True)

    def clean_role_and_subaccount(self, data: dict) -> None:
        if data.get("role") == Role.ADMIN:
            data["subaccount"] = None
        elif data.get("role") and not data.get("subaccount"):
            self.add_error("subaccount", "Choose the subaccount this marketer or viewer works in.")


class UserCreateForm(RoleFieldsMixin):
    email = forms.EmailField(help_text="Also their login.")
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    password = forms.CharField(
        label="Initial password",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Give it to them privately; they can change it after logging in.",
    )
    field_order = ["email", "first_name", "last_name", "password", "role", "subaccount"]

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_subaccounts(account)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            raise forms.ValidationError("A user with this email already exists.")
        return email

    def clean(self) -> dict:
        data = super().clean()
        self.clean_role_and_subaccount(data)
        if data.get("password"):
            user = get_user_model()(username=data.get("email", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(data["password"], user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data

    @transaction.atomic
    def save(self) -> Membership:
        data = self.cleaned_data
        user = get_user_model().objects.create_user(
            username=data["email"],
            email=data["email"],
            password=data["password"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        return Membership.objects.create(user=user, account=self.account, role=data["role"], subaccount=data["subaccount"])


class MembershipForm(RoleFieldsMixin):
    def __init__(self, *args, membership: Membership, acting_user, **kwargs) -> None:
        kwargs.setdefault("initial", {"role": membership.role, "subaccount": membership.subaccount})
        super().__init__(*args, **kwargs)
        self.membership, self.acting_user = membership, acting_user
        self.setup_subaccounts(membership.account)

    def clean(self) -> dict:
        data = super().clean()
        self.clean_role_and_subaccount(data)
        losing_admin = self.membership.role == Role.ADMIN and data.get("role") != Role.ADMIN
        if losing_admin and self.membership.user_id == self.acting_user.pk:
            raise forms.ValidationError("You cannot take away your own admin role; ask another admin.")
        if losing_admin and not other_active_admins(self.membership).exists():
            raise forms.ValidationError("This is the account's last active admin; make someone else admin first.")
        return data

    def save(self) -> Membership:
        self.membership.role = self.cleaned_data["role"]
        self.membership.subaccount = self.cleaned_data["subaccount"]
        self.membership.save(update_fields=["role", "subaccount"])
        return self.membership


def other_active_admins(membership: Membership):
    return Membership.objects.filter(account=membership.account, role=Role.ADMIN, user__is_active=True).exclude(pk=membership.pk)


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label="New password",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Give it to them privately; they can change it after logging in.",
    )

    def __init__(self, *args, target_user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.target_user = target_user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, self.target_user)
        return password

    def save(self) -> None:
        self.target_user.set_password(self.cleaned_data["password"])
        self.target_user.save(update_fields=["password"])
