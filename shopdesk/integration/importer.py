"""`shopdesk import FILE`: CSV or JSON Lines through the same schemas and services as the API.

The file is read into items (a CSV order is its rows grouped by number), the items go through
`bulk_apply` in batches, and each failure is reported with the file line it came from.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from shopdesk.core.actors import Actor
from shopdesk.integration import csv_rows
from shopdesk.integration.bulk import ItemResult, bulk_apply
from shopdesk.integration.connectors import shopify_csv

FILE_TYPES = ("products", "customers", "orders", "shipments", "tracking_events", "payments")
SINGULAR = {
    "products": "product",
    "customers": "customer",
    "orders": "order",
    "shipments": "shipment",
    "tracking_events": "tracking_event",
    "payments": "payment",
}
# Which list inside an item maps to one file row each (CSV rows of an order are its lines).
ROW_LISTS = {"order": "lines", "product": "variants", "shipment": "lines"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (unknown format, bad CSV header); nothing was imported."""


@dataclass(slots=True)
class SourceItem:
    lines: list[int]  # the file lines this item came from (1-based)
    data: Any = None
    problem: str | None = None  # unreadable before validation, e.g. a line that is not JSON


@dataclass(slots=True)
class Failure:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return (
            f"line {self.line}: {self.field}: {self.message}"
            if self.field
            else f"line {self.line}: {self.message}"
        )


@dataclass(slots=True)
class ImportReport:
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("created", "updated", "unchanged", "stale", "failed"), 0)
    )
    failures: list[Failure] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.counts["failed"] > 0


def detect_format(path: Path, explicit: str | None) -> str:
    if explicit:
        return explicit
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise ImportFileError(
        f"{path.name}: cannot tell the format from the extension; use --format csv or jsonl"
    )


def read_jsonl(path: Path, *, kind: str | None) -> Iterator[SourceItem]:
    default_type = SINGULAR.get(kind or "")
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                yield SourceItem([number], problem=f"not valid JSON: {exc.msg} (column {exc.colno})")
                continue
            if (
                isinstance(data, dict)
                and default_type
                and data.setdefault("type", default_type) != default_type
            ):
                yield SourceItem([number], problem=f'type "{data["type"]}" in a --type {kind} import')
                continue
            yield SourceItem([number], data)


def read_csv(path: Path, *, kind: str | None) -> list[SourceItem]:
    if kind not in FILE_TYPES:
        raise ImportFileError(f"a CSV file needs --type, one of: {', '.join(FILE_TYPES)}")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        problem = csv_rows.header_problem(kind, reader.fieldnames or [])
        if problem:
            raise ImportFileError(f"line 1: {problem}")
        columns = len(reader.fieldnames or [])
        group_key = csv_rows.GROUP_KEY.get(kind)
        if group_key is None:
            return [
                SourceItem([reader.line_num], problem=problem)
                if (problem := _extra_cells(row, columns))
                else SourceItem([reader.line_num], csv_rows.flat_item(kind, row))
                for row in reader
            ]
        groups: dict[str, csv_rows.CsvGroup] = {}
        problems: dict[str, tuple[int, str]] = {}
        for row in reader:
            # Rows of one order need not be adjacent; an empty key is its own (invalid) item.
            key = (row.get(group_key) or "").strip().upper() or f"#line{reader.line_num}"
            group = groups.setdefault(key, csv_rows.CsvGroup())
            group.lines.append(reader.line_num)
            group.rows.append(row)
            if (problem := _extra_cells(row, columns)) and key not in problems:
                # The whole order is refused (a half order is worse than none), at the row's line.
                problems[key] = (reader.line_num, problem)
    build = csv_rows.GROUPED_BUILDERS[kind]
    return [
        SourceItem([problems[key][0]], problem=problems[key][1])
        if key in problems
        else SourceItem(group.lines, build(group))
        for key, group in groups.items()
    ]


def _extra_cells(row: dict[Any, Any], columns: int) -> str | None:
    """A row with more cells than the header: the extras would be dropped silently, so it is refused."""
    extra = row.get(None)
    if not extra:
        return None
    return f"{columns + len(extra)} cells but the header has {columns} (a comma inside a value needs quotes)"


def read_shopify_orders(path: Path) -> list[SourceItem]:
    """A Shopify order export: the SKUs it needs first, then one item per order (connectors/)."""
    try:
        return [SourceItem(lines, data, problem) for lines, data, problem in shopify_csv.read(path)]
    except ValueError as exc:
        raise ImportFileError(str(exc)) from None


def read_items(path: Path, *, file_format: str, kind: str | None) -> list[SourceItem]:
    if file_format == "shopify-orders":
        return read_shopify_orders(path)
    if file_format == "csv":
        return read_csv(path, kind=kind)
    return list(read_jsonl(path, kind=kind))


def _line_of(item: SourceItem, result_type: str | None, field_path: str) -> int:
    """The file line a failing field came from: the row of `lines.2` is the item's third row."""
    parts = field_path.split(".")
    row_list = ROW_LISTS.get(result_type or "")
    if len(item.lines) > 1 and row_list and len(parts) > 1 and parts[0] == row_list and parts[1].isdigit():
        index = int(parts[1])
        if index < len(item.lines):
            return item.lines[index]
    return item.lines[0]


def _record(report: ImportReport, item: SourceItem, result: ItemResult) -> None:
    if result.status != "error":
        report.counts[result.status] += 1
        return
    report.counts["failed"] += 1
    error = result.error or {}
    fields = error.get("fields") or [{"field": "", "message": error.get("message", "failed")}]
    for problem in fields:
        line = _line_of(item, result.type, problem["field"])
        report.failures.append(Failure(line, problem["field"], problem["message"]))


def import_items(
    items: list[SourceItem],
    *,
    actor: Actor,
    batch_size: int = 500,
    dry_run: bool = False,
    progress: Callable[[int], None] = lambda advance: None,
    on_failure: Callable[[Failure], None] = lambda failure: None,
) -> ImportReport:
    """Apply items in batches, each item on its own; a dry run does it all, then rolls everything back."""
    report = ImportReport()

    def run() -> None:
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            reported = len(report.failures)
            readable = [item for item in chunk if item.problem is None]
            for item in chunk:
                if item.problem is not None:
                    report.counts["failed"] += 1
                    report.failures.append(Failure(item.lines[0], "", item.problem))
            batch = bulk_apply(batch=[item.data for item in readable], actor=actor)
            for item, result in zip(readable, batch.results, strict=True):
                _record(report, item, result)
            for failure in report.failures[reported:]:
                on_failure(failure)
            progress(len(chunk))

    if not dry_run:
        run()
        return report
    # One transaction for the whole dry run, so later rows see earlier ones (an order after its product).
    with transaction.atomic():
        run()
        transaction.set_rollback(True)
    return report
