"""`shopdesk import FILE`: products, customers, orders, shipments, tracking and payment events from
CSV or JSON Lines, through the same schemas and services as the store API (docs/integration.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from shopdesk.core.actors import Actor
from shopdesk.integration.importer import (
    FILE_TYPES,
    Failure,
    ImportFileError,
    detect_format,
    import_items,
    read_items,
)


class Command(BaseCommand):
    help = (
        "Import products, customers, orders, shipments, tracking events or payments from CSV or JSON Lines."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format",
            choices=("csv", "jsonl", "shopify-orders"),
            help="default: from the file extension; shopify-orders: a Shopify order export (CSV)",
        )
        parser.add_argument(
            "--type",
            choices=FILE_TYPES,
            dest="kind",
            help="what the rows are (required for CSV; JSON Lines may carry a type per line)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and apply everything, then roll back"
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        # Rich writes to the command's own stderr stream (the real one, or a test's StringIO);
        # OutputWrapper would add its own line endings to the bar's redraws, so give Rich what it wraps.
        errors = Console(file=cast(IO[str], self.stderr._out), highlight=False, soft_wrap=True)
        try:
            file_format = detect_format(path, options["format"])
            items = read_items(path, file_format=file_format, kind=options["kind"])
        except (ImportFileError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path.name}: {exc}") from None

        # The bar goes to stderr and only on a terminal: piped output stays plain and parseable.
        with Progress(
            TextColumn("[bold]importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=errors,
            disable=not errors.is_terminal,
            transient=True,
        ) as progress:
            task = progress.add_task("import", total=len(items))

            def report_failure(failure: Failure) -> None:
                progress.console.print(str(failure), markup=False)

            report = import_items(
                items,
                actor=Actor.integration(f"import {path.name}"),
                batch_size=max(options["batch_size"], 1),
                dry_run=options["dry_run"],
                progress=lambda advance: progress.advance(task, advance),
                on_failure=report_failure,
            )
        counts = report.counts
        summary = (
            f"{counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['failed']} failed"
        )
        if counts["stale"]:
            summary += f", {counts['stale']} stale (older than what shopdesk has)"
        self.stdout.write(
            f"{path.name}: {summary}" + (" (dry run: nothing was written)" if options["dry_run"] else "")
        )
        if report.failed:
            raise SystemExit(1)
