"""Keyword rules over the API (admin keys and admins)."""

from __future__ import annotations

from rest_framework import serializers

from campaigns.api.errors import conflict
from campaigns.api.serializers.common import ScopedModelSerializer, request_scope
from campaigns.models import KeywordRule
from campaigns.services.keywords import normalize, rules_for


class KeywordRuleSerializer(ScopedModelSerializer):
    keyword = serializers.CharField(max_length=40, help_text="The whole reply, e.g. STOP; case and accents are ignored.")

    class Meta:
        model = KeywordRule
        fields = ["id", "keyword", "action", "reply_text", "is_active", "created_at"]
        read_only_fields = ["created_at"]

    def validate_keyword(self, keyword: str) -> str:
        keyword = " ".join(keyword.split())
        normalized = normalize(keyword)
        if not normalized:
            raise serializers.ValidationError("Enter a word, e.g. STOP.")
        clash = rules_for(request_scope(self).account).filter(normalized=normalized)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            # A clash with an existing rule is a 409, as every taken name in the API is.
            raise conflict("keyword", f"{clash.first().keyword} is already a keyword (case and accents are ignored).")
        return keyword

    def validate(self, attrs: dict) -> dict:
        if "keyword" in attrs:
            attrs["normalized"] = normalize(attrs["keyword"])
        return attrs
