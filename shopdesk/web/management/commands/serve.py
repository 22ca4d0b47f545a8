"""`shopdesk serve`: migrate when needed, then serve with gunicorn (or Django's dev server with --dev)."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = (
        "Apply pending migrations, then serve shopdesk (gunicorn; --dev for Django's auto-reloading server)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument(
            "--dev", action="store_true", help="Django's development server with auto-reload."
        )
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"] and pending_migrations():
            self.stdout.write("Applying database migrations…")
            call_command("migrate", interactive=False, verbosity=0)
        address = f"{options['host']}:{options['port']}"
        self.stdout.write(f"shopdesk is serving on http://{address}/ (Ctrl+C to stop)")
        if options["dev"]:
            call_command("runserver", address)
            return
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
        if gunicorn is None:
            self.stderr.write(
                "gunicorn is not installed; run `shopdesk serve --dev` or install shopdesk again."
            )
            sys.exit(1)
        os.execv(  # noqa: S606 - replaces this process with gunicorn, arguments are ours
            gunicorn,
            [
                gunicorn,
                "shopdesk.wsgi:application",
                "--bind",
                address,
                "--workers",
                str(options["workers"]),
                "--forwarded-allow-ips",
                os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                "--timeout",
                "60",
            ],
        )
