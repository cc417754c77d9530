"""Forms for contacts, lists, suppressions and imports."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.utils.text import slugify

from campaigns.forms.fields import ObjectsField
from campaigns.forms.phones import PhoneError, normalize_phone, region_choices
from campaigns.models import Account, Contact, ContactList, Suppression

RESERVED_KEYS = {"phone", "first_name", "last_name"}


def parse_attributes(text: str) -> dict[str, str]:
    """``key=value`` lines into a dict; keys become slugs (city, loyalty_tier)."""
    found: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line:
            raise forms.ValidationError(f"Line {n}: write name=value, e.g. city=Lahore.")
        key, value = line.split("=", 1)
        slug = slugify(key).replace("-", "_")
        if not slug:
            raise forms.ValidationError(f"Line {n}: the field name is empty.")
        if slug in RESERVED_KEYS:
            raise forms.ValidationError(f"Line {n}: {slug} has its own box above.")
        found[slug] = value.strip()
    return found


def format_attributes(attributes: dict) -> str:
    return "\n".join(f"{k}={v}" for k, v in sorted((attributes or {}).items()))


class PhoneField(forms.CharField):
    def __init__(self, region: str | None = None, **kwargs) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", "International format with the country code, e.g. +923001234567.")
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.use_region(region)

    def use_region(self, region: str | None) -> None:
        """Read numbers without a country code in ``region`` (and say so under the box)."""
        self.region = region or None
        if self.region:
            code = phonenumbers.country_code_for_region(self.region)
            self.help_text = f"With the country code (+{code}...), or a local {self.region} number."

    def clean(self, value: str) -> str:
        value = super().clean(value)
        try:
            return normalize_phone(value, self.region)
        except PhoneError as exc:
            raise forms.ValidationError(str(exc))


class ContactForm(forms.ModelForm):
    phone = PhoneField()
    custom_fields = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "city=Lahore\nplan=gold"}),
        help_text="One per line as name=value. Use them in messages as {{ city }}.",
    )
    lists = ObjectsField(queryset=ContactList.objects.none(), required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Contact
        fields = ["phone", "first_name", "last_name"]

    def __init__(self, *args, account: Account, list_queryset=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["phone"].use_region(account.phone_region)
        self.fields["lists"].queryset = list_queryset if list_queryset is not None else ContactList.objects.none()
        if self.instance.pk:
            self.fields["custom_fields"].initial = format_attributes(self.instance.attributes)
            self.fields["lists"].initial = list(self.instance.lists.values_list("pk", flat=True))

    def clean_custom_fields(self) -> dict[str, str]:
        return parse_attributes(self.cleaned_data.get("custom_fields", ""))

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        others = Contact.objects.filter(account=self.account, phone=phone)
        if self.instance.pk and others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another contact already has this number.")
        return phone


class ContactListForm(forms.ModelForm):
    class Meta:
        model = ContactList
        fields = ["name"]

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = ContactList.objects.filter(account=self.account, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("A list with this name exists already.")
        return name


class AddMemberForm(forms.Form):
    phone = PhoneField(label="Add a contact by phone")


class SuppressionForm(forms.ModelForm):
    phone = PhoneField()

    class Meta:
        model = Suppression
        fields = ["phone", "reason", "note"]

    def __init__(self, *args, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["phone"].use_region(account.phone_region)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if Suppression.objects.filter(account=self.account, phone=phone).exists():
            raise forms.ValidationError("This number is suppressed already.")
        return phone


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file", help_text="The first row holds the column names. .csv or .xlsx, up to a few hundred thousand rows."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload


FIELD_CHOICES = [("phone", "Phone"), ("first_name", "First name"), ("last_name", "Last name"), ("ignore", "Ignore this column")]


class ImportMappingForm(forms.Form):
    """One select per column of the file, plus the default country and the target list."""

    region = forms.ChoiceField(label="Numbers without a country code are from", required=False)
    contact_list = forms.ModelChoiceField(
        queryset=ContactList.objects.none(), required=False, label="Add everyone to the list", empty_label="No list"
    )
    new_list = forms.CharField(max_length=120, required=False, label="...or to a new list named")

    def __init__(self, *args, headers: list[str], guesses: dict[str, str], list_queryset, account: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.headers, self.account = headers, account
        self.fields["region"].choices = region_choices()
        self.fields["region"].initial = account.country
        self.fields["contact_list"].queryset = list_queryset
        for i, header in enumerate(headers):
            attr = "attribute:" + (slugify(header).replace("-", "_") or f"column_{i + 1}")
            choices = [*FIELD_CHOICES[:3], (attr, f"Custom field “{attr.split(':', 1)[1]}”"), FIELD_CHOICES[3]]
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=header or f"Column {i + 1}", choices=choices, initial=guesses.get(header, attr)
            )

    def column_fields(self):
        return [self[f"col_{i}"] for i in range(len(self.headers))]

    def clean(self):
        data = super().clean()
        mapping = {h: data.get(f"col_{i}", "ignore") for i, h in enumerate(self.headers)}
        phones = [h for h, f in mapping.items() if f == "phone"]
        if len(phones) != 1:
            raise forms.ValidationError(
                "Choose exactly one column as the phone number." if not phones else "Only one column can be the phone."
            )
        for target in ("first_name", "last_name"):
            if list(mapping.values()).count(target) > 1:
                raise forms.ValidationError(f"Only one column can be the {target.replace('_', ' ')}.")
        new_list = (data.get("new_list") or "").strip()
        if new_list and ContactList.objects.filter(account=self.account, name__iexact=new_list).exists():
            self.add_error("new_list", "A list with this name exists already; choose it above.")
        data["mapping"] = mapping
        return data
