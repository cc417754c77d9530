"""Segments: saved conditions over contacts, resolved in SQL when a campaign starts."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from campaigns.models.tenancy import Account, Subaccount


class Segment(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="segments")
    subaccount = models.ForeignKey(Subaccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="segments")
    name = models.CharField(max_length=120)
    # {"match": "all"|"any", "groups": [{"match": "all"|"any", "rules": [{"field", "op", "value"}]}]},
    # checked by campaigns.services.segments.clean_conditions.
    conditions = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="segment_name_per_account")]

    def __str__(self) -> str:
        return self.name
