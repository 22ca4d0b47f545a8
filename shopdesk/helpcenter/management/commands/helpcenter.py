"""`shopdesk helpcenter sync [--force] [--content DIR]`: re-seed articles from the package files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shopdesk.helpcenter.content import CONTENT_DIR, ContentError
from shopdesk.helpcenter.sync import content_sync


class Command(BaseCommand):
    help = "Help-center content: `sync` writes the package's article files into the database."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser("sync", help="Create and update articles from the files; keep admin edits.")
        sync.add_argument("--force", action="store_true", help="Overwrite articles edited in the admin too.")
        sync.add_argument(
            "--content",
            type=Path,
            default=CONTENT_DIR,
            metavar="DIR",
            help="Read the article files from DIR instead of the package (a store's own copy).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = content_sync(directory=options["content"], force=options["force"])
        except ContentError as exc:
            raise CommandError(str(exc)) from None
        for label, slugs in (
            ("created", report.created),
            ("updated", report.updated),
            ("overwritten", report.overwritten),
            ("kept admin edit", report.kept_local_edits),
        ):
            for slug in slugs:
                self.stdout.write(f"  {label}: {slug}")
        for slug in report.conflicts:
            self.stderr.write(
                f"  CONFLICT: {slug} was edited in the admin and changed in the files; "
                "kept the admin version (use --force to take the file)"
            )
        self.stdout.write(self.style.SUCCESS(f"Help center synced: {report.summary()}."))
