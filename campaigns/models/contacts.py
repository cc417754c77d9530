"""Contacts, lists, suppressions, custom fields and import jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campaigns.models.tenancy import Account, Subaccount


class Contact(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +923001234567")
    first_name = models.CharField(max_length=100, blank=True, default="")
    last_name = models.CharField(max_length=100, blank=True, default="")
    attributes = models.JSONField(default=dict, blank=True)
    # From a provider's carrier lookup (Wavy carrier/lookup): the network that serves the
    # number today (ported numbers included) and whether it is an active mobile number.
    network = models.CharField(max_length=60, blank=True, default="")
    network_country = models.CharField(max_length=2, blank=True, default="")
    network_active = models.BooleanField(null=True, blank=True)
    network_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["account", "phone"], name="contact_phone_per_account")]

    def __str__(self) -> str:
        return self.full_name or self.phone

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ContactList(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contact_lists")
    subaccount = models.ForeignKey(Subaccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact_lists")
    name = models.CharField(max_length=120)
    contacts = models.ManyToManyField(Contact, through="ListMembership", related_name="lists")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="list_name_per_account")]

    def __str__(self) -> str:
        return self.name


class ListMembership(models.Model):
    contact_list = models.ForeignKey(ContactList, on_delete=models.CASCADE, related_name="memberships")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="memberships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact_list", "contact"], name="list_member_once")]


class ContactField(models.Model):
    """A custom attribute the account uses on its contacts (shown in forms and placeholders)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contact_fields")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["label"]
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="contact_field_per_account")]

    def __str__(self) -> str:
        return self.label


class Suppression(models.Model):
    class Reason(models.TextChoices):
        OPT_OUT = "opt_out", "Opted out"
        BLOCKED = "blocked", "Blocked"
        COMPLAINT = "complaint", "Complaint"
        INVALID = "invalid", "Invalid number"

    class Source(models.TextChoices):
        MANUAL = "manual", "Added by hand"
        INBOUND = "inbound", "Reply (STOP)"
        IMPORT = "import", "Import"
        API = "api", "API"
        PROVIDER = "provider", "Provider notification"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="suppressions")
    phone = models.CharField(max_length=20)
    reason = models.CharField(max_length=12, choices=Reason.choices, default=Reason.OPT_OUT)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["account", "phone"], name="suppression_once_per_account")]

    def __str__(self) -> str:
        return f"{self.phone} ({self.reason})"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255, blank=True, default="")
    mapping = models.JSONField(default=dict, blank=True, help_text="column header -> field")
    contact_list = models.ForeignKey(ContactList, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0, help_text="Rows repeating a number seen earlier in the file.")
    opted_out_count = models.PositiveIntegerField(default=0, help_text="Rows for contacts who opted out: kept out, not resubscribed.")
    rejects_file = models.FileField(upload_to="imports/rejects/%Y/%m/", blank=True)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else (100 if self.status == self.Status.DONE else 0)


class ContactNumber(models.Model):
    """A custom attribute's value that is a number, kept beside the JSON (filled on every save
    and import by campaigns.services.attribute_numbers) so a segment's number comparison is an
    index range scan instead of a JSON extract and cast on every contact."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="numbers")
    key = models.CharField(max_length=60)
    value = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "key"], name="contact_number_per_key")]
        indexes = [models.Index(fields=["account", "key", "value"], name="contact_number_lookup")]
