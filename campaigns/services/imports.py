"""Contact import from CSV or XLSX, in the background and in bulk.

The upload is stored on an ImportJob; the marketer maps its columns; ``run_import`` then
reads the file in chunks of CHUNK rows, normalizes the phones, merges duplicates (the later
row's non-empty fields win), writes contacts with bulk_create / bulk_update (a few queries
per chunk, never one per row), records progress on the job, and keeps a CSV of the rejected
rows with reasons."""

from __future__ import annotations

import codecs
import csv
import io
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from campaigns.forms.phones import PhoneError, normalize_phone
from campaigns.models import Contact, ContactField, ImportJob, ListMembership
from campaigns.services import attribute_numbers
from campaigns.services.planner_stats import refresh_after_bulk_write
from campaigns.spreadsheets import SafeCsvWriter

log = logging.getLogger(__name__)

CHUNK = 2000
PHONE_HEADERS = {"phone", "phone_number", "mobile", "msisdn", "number", "cell", "telephone", "tel", "whatsapp", "mobile_number"}
FIRST_HEADERS = {"first_name", "firstname", "first", "given_name", "name"}
LAST_HEADERS = {"last_name", "lastname", "last", "surname", "family_name"}


class ImportFileError(ValueError):
    """The file cannot be read as a table; the message says why, for a person."""


# --- reading files ---------------------------------------------------------------


def _is_xlsx(name: str) -> bool:
    return name.lower().endswith(".xlsx")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _clean(str(value))


def _clean(text: str) -> str:
    return text.replace("\x00", "").strip()  # PostgreSQL refuses NUL in text


def _csv_text_stream(path: Path) -> io.TextIOWrapper:
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        return open(path, encoding="utf-16", errors="replace", newline="")
    try:
        head.decode("utf-8-sig")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    return open(path, encoding=encoding, errors="replace", newline="")


def _csv_dialect(path: Path) -> type[csv.Dialect] | csv.Dialect:
    with _csv_text_stream(path) as fh:
        sample = fh.read(8192)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def iter_table(path: Path, name: str) -> Iterator[list[str]]:
    """Every row of the file (the header row first) as a list of strings."""
    if _is_xlsx(name):
        yield from _iter_xlsx(path)
        return
    dialect = _csv_dialect(path)
    with _csv_text_stream(path) as fh:
        for row in csv.reader(fh, dialect):
            yield [_clean(c) for c in row]


def _iter_xlsx(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        log.info("unreadable xlsx %s: %r", path, exc)
        raise ImportFileError(
            "This is not a readable Excel (.xlsx) file: it may be damaged or another format. Save it as .xlsx or CSV and try again."
        )
    try:
        for row in book.active.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    finally:
        book.close()


def read_preview(path: Path, name: str, rows: int = 5) -> tuple[list[str], list[list[str]]]:
    """The header row and the first few data rows, for the mapping screen."""
    try:
        table = iter_table(path, name)
        headers = next(table, None)
        sample = [r for _, r in zip(range(rows), table, strict=False)]
    except (csv.Error, UnicodeError) as exc:
        raise ImportFileError(f"This file cannot be read as CSV: {exc}.")
    if not headers or not any(headers):
        raise ImportFileError("The file is empty: its first row should name the columns (phone, first_name, ...).")
    return headers, sample


def count_rows(path: Path, name: str) -> int:
    if _is_xlsx(name):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            declared = book.active.max_row
        finally:
            book.close()
        if declared:
            return max(declared - 1, 0)
    return max(sum(1 for _ in iter_table(path, name)) - 1, 0)


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """phone / first_name / last_name by the usual header names; the rest become attributes."""
    mapping: dict[str, str] = {}
    for i, header in enumerate(headers):
        key = slugify(header).replace("-", "_")
        if key in PHONE_HEADERS and "phone" not in mapping.values():
            mapping[header] = "phone"
        elif key in FIRST_HEADERS and "first_name" not in mapping.values():
            mapping[header] = "first_name"
        elif key in LAST_HEADERS and "last_name" not in mapping.values():
            mapping[header] = "last_name"
        else:
            mapping[header] = "attribute:" + (key or f"column_{i + 1}")
    return mapping


# --- running an import -------------------------------------------------------------


@dataclass
class Record:
    phone: str
    first_name: str = ""
    last_name: str = ""
    attributes: dict[str, str] = field(default_factory=dict)

    def merge(self, later: Record) -> None:
        self.first_name = later.first_name or self.first_name
        self.last_name = later.last_name or self.last_name
        self.attributes.update({k: v for k, v in later.attributes.items() if v != ""})


@dataclass
class Totals:
    """Every non-empty row of the file lands in exactly one of created, updated, duplicates
    (its number appeared earlier in the same file) or rejected."""

    processed: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    opted_out: int = 0  # among created/updated: numbers that opted out, kept out (not resubscribed)


def _record_from_row(row: list[str], columns: list[tuple[int, str]], region: str) -> Record:
    values: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for index, target in columns:
        value = row[index].strip() if index < len(row) else ""
        if target.startswith("attribute:"):
            if value:
                attributes[target.split(":", 1)[1]] = value
        else:
            values[target] = value
    phone = normalize_phone(values.get("phone", ""), region or None)
    return Record(phone, values.get("first_name", "")[:100], values.get("last_name", "")[:100], attributes)


def _write_chunk(job: ImportJob, records: dict[str, Record]) -> tuple[int, int]:
    """Create the new contacts and merge into the existing ones; returns (created, updated).
    New contacts are recorded as opted in by the file; the import never lifts an opt-out."""
    existing = {c.phone: c for c in Contact.objects.filter(account_id=job.account_id, phone__in=list(records))}
    now = timezone.now()
    for phone, contact in existing.items():
        rec = records[phone]
        contact.first_name = rec.first_name or contact.first_name
        contact.last_name = rec.last_name or contact.last_name
        contact.attributes = {**(contact.attributes or {}), **rec.attributes}
        contact.updated_at = now
    new = [
        Contact(account_id=job.account_id, phone=p, first_name=r.first_name, last_name=r.last_name, attributes=r.attributes)
        for p, r in records.items()
        if p not in existing
    ]
    with transaction.atomic():
        if existing:
            _update_contacts(list(existing.values()))
        if new:
            Contact.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
            _record_consent(job, [c.phone for c in new])
        if any(r.attributes for r in records.values()):  # else the attributes did not change
            attribute_numbers.sync(Contact.objects.filter(account_id=job.account_id, phone__in=list(records)))
        if job.contact_list_id:
            ids = Contact.objects.filter(account_id=job.account_id, phone__in=list(records)).values_list("id", flat=True)
            ListMembership.objects.bulk_create(
                [ListMembership(contact_list_id=job.contact_list_id, contact_id=i) for i in ids], batch_size=500, ignore_conflicts=True
            )
    return len(new), len(existing)


def _record_consent(job: ImportJob, phones: list[str]) -> None:
    from campaigns.services import consent

    kept_out = consent.opted_out_phones(job.account_id, phones)
    ids = Contact.objects.filter(account_id=job.account_id, phone__in=[p for p in phones if p not in kept_out]).values_list("id", flat=True)
    consent.record_imported(job.account_id, ids, job.original_name or job.file.name, job.pk)


def _update_contacts(contacts: list[Contact]) -> None:
    """One prepared UPDATE run for every row in a single executemany: bulk_update's CASE
    expressions grow with the batch and get slow on big imports."""
    meta = Contact._meta
    fields = [meta.get_field(name) for name in ("first_name", "last_name", "attributes", "updated_at")]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [[f.get_db_prep_save(getattr(c, f.attname), connection) for f in fields] + [c.pk] for c in contacts]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _register_fields(job: ImportJob) -> None:
    for target in job.mapping.values():
        if target.startswith("attribute:"):
            key = target.split(":", 1)[1]
            ContactField.objects.get_or_create(account_id=job.account_id, key=key[:60], defaults={"label": key.replace("_", " ").title()})


def _columns(job: ImportJob, headers: list[str]) -> list[tuple[int, str]]:
    mapping = job.mapping or {}
    return [(i, mapping[h]) for i, h in enumerate(headers) if mapping.get(h, "ignore") != "ignore"]


def _process(job: ImportJob, rejects: SafeCsvWriter) -> Totals:
    path = Path(job.file.path)
    table = iter_table(path, job.original_name or job.file.name)
    headers = next(table, [])
    rejects.writerow(["row", "reason", *headers])
    columns, region = _columns(job, headers), _region(job)
    totals, chunk, seen, repeats = Totals(), {}, set(), set()
    for row_number, row in enumerate(table, start=2):
        if not any(row):
            continue
        totals.processed += 1
        try:
            rec = _record_from_row(row, columns, region)
        except PhoneError as exc:
            totals.rejected += 1
            rejects.writerow([row_number, str(exc), *row])
            continue
        key = int(rec.phone[1:])  # an int takes far less memory than the string on big files
        if key in seen:
            totals.duplicates += 1
            if rec.phone in chunk:
                chunk[rec.phone].merge(rec)
            else:  # first seen in an earlier chunk: its later fields still merge in
                chunk[rec.phone] = rec
                repeats.add(rec.phone)
        else:
            seen.add(key)
            chunk[rec.phone] = rec
        if len(chunk) >= CHUNK or totals.processed % CHUNK == 0:  # the latter keeps the progress bar moving
            _flush(job, chunk, totals, repeats)
            chunk, repeats = {}, set()
    _flush(job, chunk, totals, repeats)
    return totals


def _region(job: ImportJob) -> str:
    """The country chosen on the mapping screen; the account's for jobs that never chose."""
    if "__region__" in (job.mapping or {}):
        return job.mapping["__region__"]
    return job.account.country


def _flush(job: ImportJob, chunk: dict[str, Record], totals: Totals, repeats: set[str]) -> None:
    if chunk:
        created, updated = _write_chunk(job, chunk)
        totals.created += created
        totals.updated += updated - len(repeats)  # repeats are counted as duplicates already
        totals.opted_out += len(consent_opted_out(job, chunk, repeats))
    ImportJob.objects.filter(pk=job.pk).update(
        processed_rows=totals.processed,
        created_count=totals.created,
        updated_count=totals.updated,
        duplicate_count=totals.duplicates,
        rejected_count=totals.rejected,
        opted_out_count=totals.opted_out,
    )


def consent_opted_out(job: ImportJob, chunk: dict[str, Record], repeats: set[str]) -> set[str]:
    from campaigns.services import consent

    return consent.opted_out_phones(job.account_id, [p for p in chunk if p not in repeats])


def run_import(job_id: int) -> None:
    """The background task: import every row of the job's file."""
    job = ImportJob.objects.get(pk=job_id)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.RUNNING):
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    try:
        _register_fields(job)
        with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as buffer:
            totals = _process(job, SafeCsvWriter(buffer))
            buffer.seek(0)
            job.refresh_from_db()
            if totals.rejected:
                job.rejects_file.save(f"rejects-{job.pk}.csv", File(buffer), save=False)
        job.status = ImportJob.Status.DONE
        job.total_rows = totals.processed  # the first count included blank lines (and Excel's declared size)
        refresh_after_bulk_write(totals.created + totals.updated)  # a campaign to this list may start right away
    except (ImportFileError, csv.Error, UnicodeError, OSError) as exc:
        job.refresh_from_db()
        job.status, job.error = ImportJob.Status.FAILED, str(exc)
    except Exception as exc:
        log.exception("import %s failed", job_id)
        job.refresh_from_db()
        job.status, job.error = ImportJob.Status.FAILED, f"The import stopped on an unexpected error ({exc.__class__.__name__})."
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "rejects_file", "total_rows"])
    _notify_finished(job)
    if job.status == ImportJob.Status.DONE:
        from campaigns.services.carrier import after_import

        after_import(job)


def _notify_finished(job: ImportJob) -> None:
    try:
        from campaigns.services import notifications

        notifications.import_finished(job)
    except Exception:
        log.exception("could not notify the end of import %s", job.pk)


def start_import(job: ImportJob) -> None:
    """Count the rows (for the progress bar) and queue the background task."""
    from django_q.tasks import async_task

    job.total_rows = count_rows(Path(job.file.path), job.original_name or job.file.name)
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["total_rows", "status", "mapping", "contact_list"])
    async_task("campaigns.services.imports.run_import", job.pk, task_name=f"import-{job.pk}")
