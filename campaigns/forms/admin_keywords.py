"""A keyword rule: the word, what it does and the optional auto-reply."""

from __future__ import annotations

from django import forms

from campaigns.models import KeywordRule
from campaigns.services.keywords import normalize, rules_for


class KeywordRuleForm(forms.ModelForm):
    class Meta:
        model = KeywordRule
        fields = ["keyword", "action", "reply_text", "is_active"]
        labels = {"reply_text": "Auto-reply", "is_active": "Active"}
        widgets = {"reply_text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_keyword(self) -> str:
        keyword = " ".join(self.cleaned_data["keyword"].split())
        normalized = normalize(keyword)
        if not normalized:
            raise forms.ValidationError("Enter a word, e.g. STOP.")
        clash = rules_for(self.account).filter(normalized=normalized).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"{clash.first().keyword} is already a keyword (case and accents are ignored).")
        self.instance.normalized = normalized
        return keyword

    def save(self, commit: bool = True) -> KeywordRule:
        self.instance.account = self.account
        return super().save(commit=commit)
