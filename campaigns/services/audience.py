"""Who a campaign goes to, resolved in the database: {"lists": [ids], "segments": [ids],
"exclude_lists": [ids], "exclude_segments": [ids]} (anyone in a list or segment, less anyone in
an excluded one; segments are resolved when asked, see campaigns/services/segments.py), or a resend {"resend_of": campaign id, "statuses": [message statuses]} (the contacts whose
message of that campaign ended in one of those statuses). Suppressed, invalid and duplicate
numbers are dropped and counted."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from campaigns.models import Account, Contact, ContactList, ListMembership, Message, Subaccount, Suppression
from campaigns.services.segments import segments_filter


@dataclass(frozen=True)
class AudienceSummary:
    total: int  # list memberships in the chosen lists plus members of the chosen segments
    suppressed: int
    invalid: int
    duplicate: int  # the same contact in several chosen lists or segments
    recipients: int
    excluded: int = 0  # in an excluded list


def _ids(values) -> list[int]:
    out = []
    for value in values or []:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def chosen_lists(account: Account, ids, subaccount: Subaccount | None = None) -> QuerySet:
    qs = ContactList.objects.filter(account=account, pk__in=_ids(ids))
    if subaccount is not None:
        qs = qs.filter(Q(subaccount=subaccount) | Q(subaccount__isnull=True))
    return qs


def has_audience(spec: dict | None) -> bool:
    """Whether a spec names anyone at all (lists, segments, or a campaign to resend)."""
    spec = spec or {}
    return bool(spec.get("lists") or spec.get("segments") or (spec.get("resend_of") and spec.get("statuses")))


def _resent_messages(account: Account, spec: dict, subaccount: Subaccount | None) -> QuerySet:
    """The messages a resend spec picks: of that campaign of the account, in those statuses."""
    source = _ids([spec.get("resend_of")])
    statuses = [str(s) for s in spec.get("statuses") or []]
    qs = Message.objects.filter(account=account, campaign_id__in=source, status__in=statuses, contact__isnull=False)
    if subaccount is not None:
        qs = qs.filter(Q(subaccount=subaccount) | Q(subaccount__isnull=True))
    return qs


def _members(account: Account, spec: dict, subaccount: Subaccount | None) -> QuerySet:
    """One row per (contact, source) the spec names: list memberships, or resent messages."""
    if (spec or {}).get("resend_of"):
        return _resent_messages(account, spec, subaccount)
    return ListMembership.objects.filter(contact_list__in=chosen_lists(account, (spec or {}).get("lists"), subaccount))


def _included(account: Account, spec: dict, subaccount: Subaccount | None) -> QuerySet:
    if (spec or {}).get("resend_of"):  # one pass over the campaign's (campaign, status) index
        return Contact.objects.filter(account=account, pk__in=_resent_messages(account, spec, subaccount).values("contact_id"))
    member = Q(Exists(_members(account, spec, subaccount).filter(contact=OuterRef("pk"))))
    in_segments = segments_filter(account, _ids((spec or {}).get("segments")), subaccount)
    return Contact.objects.filter(account=account).filter(member | in_segments if in_segments is not None else member)


def _segment_members(account: Account, spec: dict, subaccount: Subaccount | None) -> int:
    """Members of each chosen segment, summed (someone in two counts twice, as in two lists)."""
    total = 0
    for pk in _ids((spec or {}).get("segments")):
        q = segments_filter(account, [pk], subaccount)
        total += Contact.objects.filter(account=account).filter(q).count() if q is not None else 0
    return total


def _excluded_filter(account: Account, spec: dict, subaccount: Subaccount | None = None) -> Q | None:
    exclude = _ids((spec or {}).get("exclude_lists"))
    parts = []
    if exclude:
        lists = ListMembership.objects.filter(contact=OuterRef("pk"), contact_list__in=exclude, contact_list__account=account)
        parts.append(Q(Exists(lists)))
    in_segments = segments_filter(account, _ids((spec or {}).get("exclude_segments")), subaccount)
    if in_segments is not None:
        parts.append(in_segments)
    if not parts:
        return None
    return parts[0] | parts[1] if len(parts) == 2 else parts[0]


def _suppressed_filter(account: Account) -> Exists:
    return Exists(Suppression.objects.filter(account=account, phone=OuterRef("phone")))


def reachable(account: Account, contacts: QuerySet) -> QuerySet:
    """Of these contacts, those a campaign can send to: not suppressed, with a valid number."""
    return contacts.filter(reachable_filter(account))


def reachable_filter(account: Account) -> Q:
    """``reachable`` as a Q, e.g. for a count beside the total in one pass."""
    return ~Q(_suppressed_filter(account)) & Q(phone__e164=True)


def recipients(account: Account, spec: dict, subaccount: Subaccount | None = None) -> QuerySet:
    """Contacts the campaign goes to (each once), in id order."""
    qs = _included(account, spec, subaccount)
    excluded = _excluded_filter(account, spec, subaccount)
    if excluded is not None:
        qs = qs.exclude(excluded)
    return reachable(account, qs).order_by("pk")


def audience_summary(account: Account, audience_spec: dict, subaccount: Subaccount | None = None) -> AudienceSummary:
    total = _members(account, audience_spec, subaccount).count() + _segment_members(account, audience_spec, subaccount)
    included = _included(account, audience_spec, subaccount)
    excluded_q = _excluded_filter(account, audience_spec, subaccount)
    if connection.vendor == "postgresql":
        distinct, excluded, suppressed, invalid = _tally_one_pass(account, included, excluded_q)
    else:
        distinct, excluded, suppressed, invalid = _tally(account, included, excluded_q)
    return AudienceSummary(
        total=total,
        suppressed=suppressed,
        invalid=invalid,
        duplicate=total - distinct,
        recipients=distinct - excluded - suppressed - invalid,
        excluded=excluded,
    )


def _tally(account: Account, included: QuerySet, excluded_q: Q | None) -> tuple[int, int, int, int]:
    """(distinct, excluded, suppressed, invalid) of the included contacts, in four counts."""
    distinct = included.count()
    excluded = included.filter(excluded_q).count() if excluded_q is not None else 0
    remaining = included.exclude(excluded_q) if excluded_q is not None else included
    suppressed = remaining.filter(_suppressed_filter(account)).count()
    invalid = remaining.exclude(_suppressed_filter(account)).exclude(phone__e164=True).count()
    return distinct, excluded, suppressed, invalid


def _tally_one_pass(account: Account, included: QuerySet, excluded_q: Q | None) -> tuple[int, int, int, int]:
    """``_tally`` on PostgreSQL in one pass over the included contacts, suppressions joined
    once by hash (one row at most per phone: they are unique per account). The four counts
    ran the audience's rules four times: 126 ms against 76 ms at 100k recipients."""
    from campaigns.lookups import E164_REGEX

    contacts = included.order_by()
    columns = ["pk", "phone"]
    if excluded_q is not None:
        contacts = contacts.annotate(is_excluded=ExpressionWrapper(excluded_q, output_field=BooleanField()))
        columns.append("is_excluded")
    sql, params = contacts.values(*columns).query.sql_with_params()
    # Not excluded = the filter is not true (as exclude() reads it): a NULL counts as false.
    out = "coalesce(c.is_excluded, false)" if excluded_q is not None else "false"
    kept = f"NOT {out}"
    suppressions = connection.ops.quote_name(Suppression._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {out}), count(s.id) FILTER (WHERE {kept}),"
            f" count(*) FILTER (WHERE {kept} AND s.id IS NULL AND c.phone !~ %s)"
            f" FROM ({sql}) c LEFT JOIN {suppressions} s ON s.account_id = %s AND s.phone = c.phone",
            [E164_REGEX, *params, account.pk],
        )
        return tuple(cursor.fetchone())


def audience_names(account: Account, spec: dict) -> dict[str, list[str]]:
    """The names of the lists and segments a spec chooses and leaves out (for the review)."""
    from campaigns.models import Segment

    spec = spec or {}
    lists = dict(
        ContactList.objects.filter(account=account)
        .filter(pk__in=_ids(spec.get("lists")) + _ids(spec.get("exclude_lists")))
        .values_list("pk", "name")
    )
    segments = dict(
        Segment.objects.filter(account=account, pk__in=_ids(spec.get("segments")) + _ids(spec.get("exclude_segments"))).values_list(
            "pk", "name"
        )
    )
    return {
        "lists": [lists[i] for i in _ids(spec.get("lists")) if i in lists],
        "segments": [segments[i] for i in _ids(spec.get("segments")) if i in segments],
        "exclude_lists": [lists[i] for i in _ids(spec.get("exclude_lists")) if i in lists],
        "exclude_segments": [segments[i] for i in _ids(spec.get("exclude_segments")) if i in segments],
    }
