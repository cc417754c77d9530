"""Form fields shared by the portal's screens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

BIGGEST_ID = 2**63 - 1


def object_id(value: object) -> int | None:
    """An id from a query string or form (1 to 2^63-1), or None: a bigger one would raise
    OverflowError in the database driver, not match nothing."""
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= BIGGEST_ID else None


class ObjectsField(forms.ModelMultipleChoiceField):
    """Checkboxes of objects by id. An id no database column holds (a tampered form)
    is an invalid choice: the databases raise OverflowError on it, not 'not found'."""

    def _check_values(self, value: Any) -> QuerySet:
        for pk in value if isinstance(value, (list, tuple)) else []:
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and not -BIGGEST_ID <= int(text) <= BIGGEST_ID:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk})
        return super()._check_values(value)
