"""Materializing a campaign's audience: one pending message per recipient, rendered,
measured and priced, inserted in bulk; then the reservation set to what they cost."""

from __future__ import annotations

import json
import operator
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from itertools import islice, repeat

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from campaigns.models import Campaign, Message, StatusCount, UssdSession
from campaigns.rendering import BUILTIN, placeholders, render, render_fields
from campaigns.services import ab_tests, clock, ledger, materialize_claim, routing
from campaigns.services.audience import audience_summary, recipients
from campaigns.services.estimate import PriceBook, message_text, units_for, voice_seconds
from campaigns.services.send_rules import SendRules
from campaigns.services.shortener import (
    PENDING_KEY,
    is_template,
    measured,
    save_pending,
    shorten,
    shorten_variables,
    take_pending,
    tracks_links,
)
from campaigns.services.smsinfo import billed_counter, sms_info
from providers.base import Channel
from providers.base import MessageStatus as S

CREATE_BATCH = 2000


def materialize(
    campaign: Campaign, *, enqueue: bool = False, on_page: Callable[[int, int, int], None] | None = None, page_in_transaction: bool = False
) -> int:
    """Create one pending message per recipient, in bulk; count what was dropped. With
    ``enqueue``, ``on_page(campaign id, first id, last id)`` is called for each page as
    soon as it exists (the pipeline queues its batch task: sending overlaps creation);
    with ``page_in_transaction``, inside the page's own transaction (a task queue kept in
    this database: the task appears with its page, in one write).
    One process at a time (materialize_claim): another caller meanwhile creates nothing."""
    if not materialize_claim.take(campaign.pk):
        return 0
    try:
        return _materialize(campaign, enqueue=enqueue, on_page=on_page, page_in_transaction=page_in_transaction)
    finally:
        materialize_claim.release(campaign.pk)


def _materialize(
    campaign: Campaign, *, enqueue: bool, on_page: Callable[[int, int, int], None] | None, page_in_transaction: bool = False
) -> int:
    clock.beat(clock.campaign_beat_key(campaign.pk))
    qs = recipients(campaign.account, campaign.audience, campaign.subaccount)
    split = ab_tests.split_for(campaign, qs)  # A/B test: this phase's share, a variant per contact
    qs = split.narrow(qs) if split else qs
    if Message.objects.filter(campaign=campaign).exists():  # a restart: skip who has one
        qs = without_message(qs, campaign)
    builder = split.builder(MessageBuilder) if split else MessageBuilder(campaign)
    router = routing.router_for(campaign)
    rules = SendRules(campaign)  # recipient local time, quiet hours, frequency cap
    created = 0
    announce = on_page if enqueue and on_page else None
    # SQLite: the heartbeats go in the page's write transaction (each on its own is another
    # turn at the single writer's lock). PostgreSQL: after it, so the page never holds their rows.
    beats_inside = connection.vendor == "sqlite"
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="materialize-build") as pool:
        for rows in built_pages(recipient_pages(qs, builder.columns), builder, pool, router):
            with transaction.atomic():  # the cap is checked and the page inserted under one lock
                rows = rules.admit(rows)
                rows = _save(campaign, rows)  # those really inserted
                created += len(rows)
                if announce and rows and page_in_transaction:
                    announce(campaign.pk, rows[0]["id"], rows[-1]["id"])
                if beats_inside:
                    _beat(campaign)
            if announce and rows and not page_in_transaction:
                announce(campaign.pk, rows[0]["id"], rows[-1]["id"])
            if not beats_inside:
                _beat(campaign)
    # Counted after the pages, not before: the first page (and its sends) need not wait for
    # these counts (~0.15 s at 100k recipients).
    summary = audience_summary(campaign.account, campaign.audience, campaign.subaccount)
    Campaign.objects.filter(pk=campaign.pk).update(
        recipients=summary.recipients,
        dropped_suppressed=summary.suppressed,
        dropped_invalid=summary.invalid,
        dropped_duplicate=summary.duplicate,
    )
    settle_reservation(campaign)
    return created


def _beat(campaign: Campaign) -> None:
    """Alive: the campaign's heartbeat (the tick leaves it alone) and the materialize claim."""
    clock.beat(clock.campaign_beat_key(campaign.pk))
    materialize_claim.renew(campaign.pk)


def recipient_pages(qs: QuerySet, columns: tuple[str, ...]) -> Iterator[list[tuple]]:
    """The recipients' ``columns`` (id first) in pages of CREATE_BATCH, in id order.

    PostgreSQL: one server-side cursor, so the audience query runs once. Keyset pages re-ran
    it for every page (about 300 ms each at 100k recipients: 15 of a 26 s materialization).
    SQLite: keyset pages, since a read snapshot held open across our own writes there fails
    with "database is locked" as soon as another process writes."""
    if connection.vendor == "postgresql":
        rows = qs.values_list(*columns).iterator(chunk_size=CREATE_BATCH)
        while page := list(islice(rows, CREATE_BATCH)):
            yield page
        return
    last = 0
    while page := list(qs.filter(pk__gt=last).values_list(*columns)[:CREATE_BATCH]):
        yield page
        last = page[-1][0]


def built_pages(pages: Iterator[list[tuple]], builder, pool: ThreadPoolExecutor, router: routing.Router) -> Iterator[list[dict]]:
    """Each page's message rows, routed, the next page built in ``pool`` while the caller
    saves this one: rendering and routing are pure Python (no query), so they run while the
    insert waits on the database (they were half of a 100k materialization, done in turn
    with the inserts). Routes by the contact's network read the database: those are
    assigned here, in the caller's thread."""
    in_pool = not router.has_network_routes
    ahead: Future | None = None
    for page in pages:
        following = pool.submit(_build_page, builder, page, router if in_pool else None)
        if ahead is not None:
            yield _routed(ahead.result(), router, in_pool)
        ahead = following
    if ahead is not None:
        yield _routed(ahead.result(), router, in_pool)


class BuiltPage(list):
    """A page's message rows. ``prepared``: their insert values, made in the build thread
    (outside the page's write transaction) when nothing changes the rows after building."""

    prepared: PreparedRows | None = None


def _build_page(builder, page: list[tuple], router: routing.Router | None) -> list[dict]:
    rows = BuiltPage(builder.build(*row) for row in page)
    if router is not None:
        routing.assign_rows(router, rows)  # each message's connection, route and connection cost
        if rows and not any(row.get(PENDING_KEY) for row in rows):  # short links are settled at insert time
            rows.prepared = _prepared_rows(rows)
            if connection.vendor == "sqlite":
                rows.prepared.json()  # here too, not in the page's write transaction
    return rows


def _routed(rows: list[dict], router: routing.Router, done: bool) -> list[dict]:
    if not done:
        routing.assign_rows(router, rows)
    return rows


def without_message(contacts: QuerySet, campaign: Campaign) -> QuerySet:
    """The contacts who have no message in the campaign yet. The test_of condition is the
    unique constraint's own, so each lookup is one probe of its partial index: without it
    SQLite read the campaign's messages once per contact (a restart of a 30,000-recipient
    campaign spent 166 s on one page of 2,000)."""
    mine = Message.objects.filter(campaign=campaign, contact=OuterRef("pk"), test_of__isnull=True)
    return contacts.exclude(Exists(mine))


class MessageBuilder:
    """Renders a campaign's content for one contact into an unsaved pending Message."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self.book = PriceBook(campaign.account_id, campaign.channel)
        self.text = message_text(campaign)
        self.track = tracks_links(campaign)
        self.template_links = is_template(campaign)  # a template's variables get short links too
        as_sent = measured(self.text, self.track)  # short links at their real length
        self.personal = bool(placeholders(self.text))
        self.info = sms_info(as_sent)
        self.billed = billed_counter(campaign.connection) if campaign.channel == Channel.SMS else None
        self.segments = self.billed(as_sent, self.info.segments) if self.billed else self.info.segments
        self.sender = campaign.sender.value if campaign.sender_id else ""
        self.seconds = voice_seconds(campaign)
        self.payload = _channel_payload(campaign)
        self.personal_payload = "{{" in str(self.payload)
        self.steps = (campaign.content or {}).get("steps") or []
        used = set(placeholders(self.text)) | (set(placeholders(str(self.payload))) if self.personal_payload else set())
        # Only the contact columns the content uses (JSON attributes cost a parse per row).
        self.columns = ("id", "phone", "first_name", "last_name", *(("attributes",) if used - set(BUILTIN) else ()))
        self.same_for_all = {
            "account_id": campaign.account_id,
            "subaccount_id": campaign.subaccount_id,
            "campaign_id": campaign.pk,
            "connection_id": campaign.connection_id,
            "channel": campaign.channel,
            "sender": self.sender,
            "flash": campaign.flash,
            "status": S.PENDING,
        }

    def build(
        self, contact_id: int | None, phone: str, first_name: str = "", last_name: str = "", attributes: dict | None = None, to: str = ""
    ) -> dict:
        """The new message's field values (attnames), not a model instance: building
        100k model instances alone cost ~10 s. ``to`` sends a contact's message to another
        number (a test send), priced for that number."""
        text = (
            render_fields(self.text, {"phone": phone, "first_name": first_name, "last_name": last_name}, attributes)
            if self.personal
            else self.text
        )
        links: list[tuple[str, str]] = []
        if "://" in text:  # this recipient's short links (campaigns/services/shortener.py)
            short = shorten(text, self.track)
            text, links = short.text, short.links
        info = sms_info(text) if self.personal else self.info
        segments = (self.billed(text, info.segments) if self.billed else info.segments) if self.personal else self.segments
        payload = self.payload
        if self.personal_payload:
            values = {"phone": phone, "first_name": first_name, "last_name": last_name, "attributes": attributes or {}}
            payload = render_payload(self.payload, values)
        if self.template_links:
            payload, variable_links = shorten_variables(payload, getattr(self.campaign, "track_links", True))
            links.extend(variable_links)
        if self.campaign.channel == Channel.USSD:
            payload = dict(payload)
            payload.update(session_id=uuid.uuid4().hex[:20], op="fin" if len(self.steps) <= 1 else "init", step=0)
        to = to or phone
        price = self.book.lookup(to)
        units = units_for(self.campaign.channel, price, segments, self.seconds)
        return {
            **self.same_for_all,
            "contact_id": contact_id,
            "to": to,
            "text": text,
            "payload": payload,
            "encoding": info.encoding,
            "segments": units,
            "price": price.amount if price else Decimal("0"),
            PENDING_KEY: links,
        }


def _channel_payload(campaign: Campaign) -> dict:
    content = dict(campaign.content or {})
    content.pop("steps", None)
    return content


def render_payload(payload, values):
    if isinstance(payload, str):
        return render(payload, values)
    if isinstance(payload, dict):
        return {k: render_payload(v, values) for k, v in payload.items()}
    if isinstance(payload, list):
        return [render_payload(v, values) for v in payload]
    return payload


def _save(campaign: Campaign, batch: list[dict]) -> list[dict]:
    """Insert a page of the campaign's messages; returns those inserted (a recipient who
    already has one is skipped by the database)."""
    if not batch:
        return []
    with transaction.atomic():
        pending = take_pending(batch)  # short links: taken off the rows, codes checked
        created = insert_messages(batch)
        if not created:
            return created
        inserted = {id(row) for row in created}  # the database skips a recipient who has one
        save_pending([links for row, links in zip(batch, pending, strict=True) if id(row) in inserted], created)
        StatusCount.objects.create(account_id=campaign.account_id, campaign_id=campaign.pk, status=S.PENDING, count=len(created))
        if campaign.channel == Channel.USSD:
            UssdSession.objects.bulk_create(
                [
                    UssdSession(
                        account_id=campaign.account_id,
                        campaign_id=campaign.pk,
                        message_id=m["id"],
                        contact_id=m["contact_id"],
                        phone=m["to"],
                        session_id=m["payload"]["session_id"],
                    )
                    for m in created
                ]
            )
    return created


INSERT_ROWS = 1000  # rows per multi-row INSERT on PostgreSQL (its 65,535 parameters / ~35 columns)


def insert_messages(batch: list[dict]) -> list[dict]:
    """Insert message rows given as {attname: value}; returns the rows inserted, each with
    its "id". A campaign's recipient who already has a message (the partial unique
    constraint message_campaign_contact) is skipped: ON CONFLICT DO NOTHING.

    Each distinct value is prepared once per field: Django's bulk_create prepares every
    value through its field and splits SQLite inserts into ~28-row statements, which made
    100k messages take ~50 s."""
    from django.db import connection

    if not batch:
        return batch
    # Made ahead only for a page that reached here unchanged (send rules that plan rows
    # return a new list, without it).
    prepared = getattr(batch, "prepared", None)
    if prepared is None:
        prepared = _prepared_rows(batch)
    fields, rows = prepared.fields, prepared.rows
    table = connection.ops.quote_name(Message._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = f"({', '.join(['%s'] * len(fields))})"
    if connection.vendor == "sqlite":
        return _insert_sqlite(batch, prepared, table, columns)
    if connection.vendor == "postgresql":
        from campaigns.services import pg_insert  # arrays, not a 35,000-placeholder VALUES

        return _match_ids(batch, pg_insert.insert_returning_ids(table, fields, rows, varying=set(prepared.varying)))
    inserted = []
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_ROWS):
            part = rows[start : start + INSERT_ROWS]
            values = ", ".join([placeholders] * len(part))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING RETURNING id, contact_id",
                [value for row in part for value in row],
            )
            inserted += _match_ids(batch[start : start + INSERT_ROWS], cursor.fetchall())
    return inserted


def _insert_sqlite(batch: list[dict], prepared: PreparedRows, table: str, columns: str) -> list[dict]:
    """One INSERT ... SELECT over a JSON array of the values that differ between rows (the
    same-in-all ones are bound once), inside one write transaction: the rows inserted got
    consecutive ids ending at the last one. Measured at 100k rows with the message table's
    indexes: 0.58 s, against 1.46 s for an executemany binding ~40 values per row (the
    write lock is held for all of it, and the senders wait on that lock)."""
    from django.db import connection

    source = "json_extract(j.value, '$[{}]')"
    position = {field_index: n for n, field_index in enumerate(prepared.varying)}
    select = ", ".join(source.format(position[i]) if i in position else "%s" for i in range(len(prepared.fields)))
    params = [value for i, value in enumerate(prepared.template) if i not in position] + [prepared.json()]
    # WHERE 1: SQLite's parser needs it between a SELECT's FROM and ON CONFLICT.
    sql = f"INSERT INTO {table} ({columns}) SELECT {select} FROM json_each(%s) AS j WHERE 1 ORDER BY j.key ON CONFLICT DO NOTHING"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = cursor.rowcount
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
        if count == len(batch):
            for offset, message in enumerate(batch):
                message["id"] = last - count + 1 + offset
            return batch
        if count <= 0:
            return []
        cursor.execute(f"SELECT id, contact_id FROM {table} WHERE id BETWEEN %s AND %s ORDER BY id", [last - count + 1, last])
        return _match_ids(batch, cursor.fetchall())


def _match_ids(batch: list[dict], inserted: list[tuple[int, int | None]]) -> list[dict]:
    """Give each inserted row its id. ``inserted`` is (id, contact_id) in insertion order,
    without the rows the database skipped (only rows with a contact can be skipped)."""
    if len(inserted) == len(batch):
        for message, (pk, _) in zip(batch, inserted, strict=True):
            message["id"] = pk
        return batch
    kept, position = [], 0
    for message in batch:
        if position < len(inserted) and message.get("contact_id") in (None, inserted[position][1]):
            message["id"] = inserted[position][0]
            kept.append(message)
            position += 1
    return kept


class PreparedRows:
    """A page's insert: its fields, each row's values prepared for the database, and which
    fields differ between rows (the others are ``template``'s, the same in every row)."""

    def __init__(self, fields: list, template: list, varying: list[int], rows: list[list]) -> None:
        self.fields, self.template, self.varying, self.rows = fields, template, varying, rows
        self._json: str | None = None

    def json(self) -> str:
        """The varying values as one JSON array of arrays (SQLite's insert reads them with json_each)."""
        if self._json is None:
            columns = self.varying
            self._json = json.dumps([[row[i] for i in columns] for row in self.rows], ensure_ascii=False, default=str)
        return self._json


def _prepared_rows(batch: list[dict]) -> PreparedRows:
    """The insert's fields and each row's values, prepared for the database."""
    from django.db import connection

    now = timezone.now()
    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    defaults.update(created_at=now, updated_at=now)
    first = batch[0]
    template, varying = [], []
    for i, f in enumerate(fields):
        value = first.get(f.attname, defaults[f.attname])
        if f.attname in first and not _same_in_all(batch, f.attname, value):
            varying.append((i, f, {}))
        template.append(f.get_db_prep_save(value, connection))
    varying_columns = [i for i, _, _ in varying]
    plain = {"CharField", "TextField", "BigIntegerField", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "ForeignKey"}
    raw = [(i, f.attname) for i, f, _ in varying if f.get_internal_type() in plain]
    varying = [v for v in varying if v[1].get_internal_type() not in plain]
    rows = []
    for message in batch:
        row = template.copy()
        for i, name in raw:  # str/int/None go to the driver as they are
            row[i] = message[name]
        for i, f, memo in varying:
            value = message[f.attname]
            key = repr(value) if isinstance(value, dict | list) else value
            prepared = memo.get(key, memo)
            if prepared is memo:
                prepared = f.get_db_prep_save(value, connection)
                if len(memo) < 10000:
                    memo[key] = prepared
            row[i] = prepared
        rows.append(row)
    return PreparedRows(fields, template, varying_columns, rows)


def _same_in_all(batch: list[dict], name: str, value) -> bool:
    """Whether every row has ``value`` under ``name``: a loop in C (map/all), since this runs
    for each of ~35 fields of every 2,000-row page, inside the page's write transaction."""
    return all(map(operator.eq, repeat(value), map(operator.methodcaller("get", name), batch)))


def settle_reservation(campaign: Campaign) -> None:
    """Make the campaign's reservation match what its pending messages will cost."""
    from django.db.models import F, Sum

    needed = Message.objects.filter(campaign=campaign, status=S.PENDING).aggregate(s=Sum(F("price") * F("segments")))["s"] or Decimal("0")
    needed = Decimal(needed).quantize(Decimal("0.0001"))
    held = Campaign.objects.values_list("reserved_amount", flat=True).get(pk=campaign.pk)
    if needed > held and not ledger.reserve(campaign.account_id, needed - held, campaign.pk):
        from campaigns.services.pipeline import auto_pause

        auto_pause(campaign.pk, "Balance too low for this campaign: top up, then resume.")
    elif needed < held:
        ledger.release(campaign.account_id, held - needed, campaign.pk)
