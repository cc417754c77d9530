"""Password rules beyond Django's own: not the user's e-mail, not a season or month plus a year."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_SEASONS = ["spring", "summer", "autumn", "fall", "winter"]
_MONTHS = [
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
]  # fmt: skip
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WORDS = _SEASONS + _MONTHS + [m[:3] for m in _MONTHS] + _WEEKDAYS + ["password", "passwort", "welcome", "letmein", "qwerty"]
# A known word (or a keyboard run), an optional year or short number, and optional punctuation: Summer2026!, Password1.
_PREDICTABLE = re.compile(r"^(?:" + "|".join(sorted(set(_WORDS), key=len, reverse=True)) + r")[\W_]*(?:(?:19|20)?\d{2}|\d{1,4})?[\W_]*$")


def _letters_and_digits(value: str) -> str:
    return re.sub(r"[\W_]+", "", value.lower())


class NotEmailValidator:
    """Refuses the user's e-mail address, or its local part, as (the core of) the password."""

    def validate(self, password: str, user=None) -> None:
        email = (getattr(user, "email", "") or getattr(user, "username", "") or "").lower()
        if not email:
            return
        core = _letters_and_digits(password)
        candidates = {_letters_and_digits(email), _letters_and_digits(email.split("@")[0])}
        if any(c and len(c) >= 3 and (c in core) for c in candidates):
            raise ValidationError("Your password must not contain your e-mail address.", code="password_is_email")

    def get_help_text(self) -> str:
        return "Your password can't contain your e-mail address."


class NotPredictableValidator:
    """Refuses a season, month, weekday or common word followed by a year or number (Summer2026!)."""

    def validate(self, password: str, user=None) -> None:
        if _PREDICTABLE.match(password.strip().lower()):
            raise ValidationError(
                "This password is too predictable (a word like a season or month followed by a year).",
                code="password_predictable",
            )

    def get_help_text(self) -> str:
        return "Your password can't be a season, month or common word followed by a year, like Summer2026."
