"""Filter pieces shared by the API's filter sets.

Every id filter (``?campaign=``, ``?list=``, ``?subaccount=`` ...) is scoped like the object it
names: an id the caller may not see selects nothing, exactly like an id that does not exist
(both answer 200 with an empty list), so a filter is neither a leak nor an existence oracle."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import extend_schema_field

MAX_ID = 2**63 - 1  # the largest id a database integer holds


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, turned into UTC so every database accepts it (PostgreSQL refuses
    offsets beyond ±15:59); one that cannot be expressed in UTC is a clear 400."""

    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("This date and time is out of range.")


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class ObjectIdFormField(forms.IntegerField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def visible_objects(model: type[models.Model], scope) -> QuerySet:
    """The objects of ``model`` the caller may name: its account's, and for a subaccount
    caller only its own subaccount's and the account-wide ones (null subaccount)."""
    from campaigns.models import Account, Subaccount

    qs = model._default_manager.all()
    if model is Account:
        return qs.filter(pk=scope.account.pk)
    if model is Subaccount:
        qs = qs.filter(account=scope.account)
        return qs.filter(pk=scope.subaccount.pk) if scope.subaccount is not None else qs
    field_names = {f.name for f in model._meta.get_fields()}
    if "account" not in field_names:
        raise TypeError(f"{model.__name__} has no account: an id filter on it cannot be scoped.")
    qs = qs.filter(account=scope.account)
    if "subaccount" in field_names and scope.subaccount is not None:
        qs = qs.filter(Q(subaccount=scope.subaccount) | Q(subaccount__isnull=True))
    return qs


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """``?<name>=<id>`` of a related object, which must be visible to the caller."""

    field_class = ObjectIdFormField

    def __init__(self, *args, related_model: type[models.Model], **kwargs) -> None:
        self.related_model = related_model
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value):
        if value is None:
            return qs
        request = getattr(self.parent, "request", None)
        scope = getattr(getattr(request, "_request", request), "api_scope", None)
        if scope is None:
            return qs.none()
        named = visible_objects(self.related_model, scope).filter(pk=value).values("pk")
        return qs.filter(**{f"{self.field_name}__in": named})


@extend_schema_field({"type": "boolean"})
class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """``true`` or ``false``; anything else (``1``, ``yes``...) is a 400, not ignored."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        kwargs.setdefault("coerce", lambda value: value == "true")
        super().__init__(*args, **kwargs)


def _id_filter_for(field) -> dict:
    return {"filter_class": IdFilter, "extra": lambda f: {"related_model": f.remote_field.model}}


class ScopedFilterSet(FilterSet):
    """The base of every API filter set: relations are filtered through :class:`IdFilter`."""

    FILTER_DEFAULTS = {
        **FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: _id_filter_for(models.ForeignKey),
        models.OneToOneField: _id_filter_for(models.OneToOneField),
        models.ManyToManyField: _id_filter_for(models.ManyToManyField),
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, problem in self._malformed_parameters():
            self.form.add_error(name, problem)
        return valid and not self.form.errors

    def _malformed_parameters(self) -> list[tuple[str, str]]:
        """A filter given empty or several times (where one value is expected) is an error, not
        silently ignored or half-read."""
        problems = []
        for name, declared in self.filters.items():
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if any(value == "" for value in values) and not isinstance(declared, django_filters.CharFilter):
                problems.append((name, "This parameter may not be empty."))
            elif len(values) > 1 and not isinstance(declared, django_filters.MultipleChoiceFilter):
                problems.append((name, "Give this parameter once."))
        return problems


class ScopedFilterBackend(django_filters.rest_framework.DjangoFilterBackend):
    """Filter sets built from a view's ``filterset_fields`` get the scoped base too."""

    filterset_base = ScopedFilterSet
