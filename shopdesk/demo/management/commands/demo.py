"""`shopdesk demo`: load the deterministic demo store, list its orders, or reset it."""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from shopdesk.demo.listing import demo_order_lines
from shopdesk.demo.loader import LoadSummary, load_demo_store
from shopdesk.demo.return_situations import ReturnSituation
from shopdesk.demo.situations import Situation
from shopdesk.demo.store import demo_store_current, demo_store_delete, foreign_order_count
from shopdesk.web.management.commands.serve import pending_migrations


def parse_anchor(value: str | None) -> dt.datetime:
    """The demo's 'now': given (ISO 8601, UTC when no offset), else this hour."""
    if value:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise CommandError(
                f"--now {value!r} is not an ISO 8601 date and time (e.g. 2026-11-26T10:00:00Z)"
            ) from None
        moment = moment.replace(microsecond=0)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)


class Command(BaseCommand):
    help = "Load the deterministic demo store (KWOKING), list its orders and their situations, or reset it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, default=500, help="How many orders (default 500).")
        parser.add_argument("--seed", type=int, default=1, help="Same seed and size, same store (default 1).")
        parser.add_argument("--now", help="The time every demo date is relative to (default: this hour).")
        parser.add_argument("--list", action="store_true", help="Print one JSON object per demo order.")
        parser.add_argument(
            "--situation",
            choices=[*Situation.values, *ReturnSituation.values],
            metavar="NAME",
            help="With --list: only the orders in this situation (see docs/demo.md).",
        )
        parser.add_argument("--reset", action="store_true", help="Delete the demo data, then load again.")
        parser.add_argument(
            "--force", action="store_true", help="Load even if the database has other orders."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar and no summary.")

    def handle(self, *args: Any, **options: Any) -> None:
        if pending_migrations():
            if options["list"] or options["situation"]:
                raise CommandError(
                    "The database is not set up yet: run `shopdesk migrate`, then `shopdesk demo`."
                )
            # A fresh database: set it up first, as `shopdesk serve` does.
            if not options["quiet"]:
                self.stdout.write("Applying database migrations…")
            call_command("migrate", interactive=False, verbosity=0)
        if options["list"] or options["situation"]:
            self._list(options["situation"])
            return
        if options["orders"] < 1:
            raise CommandError("--orders must be at least 1")
        quiet = options["quiet"]
        current = demo_store_current()
        if current is not None and not options["reset"]:
            if current.completed_at is not None:
                if not quiet:
                    self.stdout.write(
                        f"The demo store is already loaded ({current.orders} orders, seed {current.seed}, "
                        f"dates relative to {current.anchor:%Y-%m-%d %H:%M} UTC). "
                        "Use `shopdesk demo --reset` to load it again."
                    )
                return
            self.stderr.write("A previous demo load did not finish; removing it and loading again.")
        if current is not None:
            removed = demo_store_delete()
            if not quiet:
                self.stdout.write(f"Removed the demo store ({removed} orders).")
        foreign = foreign_order_count()
        if foreign and not options["force"]:
            raise CommandError(
                f"This database already has {foreign} orders that the demo did not make. Loading the demo store "
                "would mix made-up customers and orders with them. Use an empty database, or pass --force."
            )
        anchor = parse_anchor(options["now"])
        try:
            summary = self._load(options["orders"], options["seed"], anchor, quiet=quiet)
        except IntegrityError as exc:
            raise CommandError(
                f"The demo store clashes with data already in the database ({exc}). Use an empty database."
            ) from None
        if not quiet:
            self._summary(summary)
        self._desk(quiet=quiet)

    def _list(self, situation: str | None) -> None:
        if demo_store_current() is None:
            raise CommandError("No demo store is loaded: run `shopdesk demo` first.")
        write = self.stdout.write
        try:
            for line in demo_order_lines(situation=situation):
                write(line)
            self.stdout.flush()
        except BrokenPipeError:
            # `shopdesk demo --list | head`: the reader has all it wanted; leave without a traceback.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())

    def _load(self, orders: int, seed: int, anchor: dt.datetime, *, quiet: bool) -> LoadSummary:
        if quiet or not sys.stdout.isatty():
            return load_demo_store(orders=orders, seed=seed, anchor=anchor)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (
            TextColumn("[bold]Loading the demo store"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("orders"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, transient=True) as progress:
            task = progress.add_task("orders", total=orders)
            return load_demo_store(
                orders=orders, seed=seed, anchor=anchor, on_progress=lambda done: progress.advance(task, done)
            )

    def _desk(self, *, quiet: bool) -> None:
        """The desk's agents and tickets (shopdesk/demo/desk.py); the agents' logins are printed once."""
        from shopdesk.demo.desk import load_demo_desk

        desk = load_demo_desk()
        if quiet:
            return
        self.stdout.write(
            f"Desk: {desk.tickets} tickets, {desk.history} more over the last month, {desk.macros} macros. "
            "Sign in at /desk/ with (passwords are new on every load):"
        )
        for email, role, password in desk.logins:
            self.stdout.write(f"  {role:<6} {email:<22} {password}")

    def _summary(self, summary: LoadSummary) -> None:
        rows = summary.rows
        rate = summary.orders / summary.seconds if summary.seconds else 0.0
        self.stdout.write(
            f"Loaded the demo store in {summary.seconds:.1f} s ({rate:,.0f} orders/s): "
            f"{rows['orders.order']} orders, {rows['orders.customer']} customers, "
            f"{rows['catalog.variant']} variants, {rows['promotions.coupon']} coupons, "
            f"{rows['shipping.shipment']} packages, {rows['shipping.trackingevent']} tracking events, "
            f"{rows['payments.payment']} payments, {rows['payments.refund']} refunds."
        )
        missing = [s.value for s in Situation if summary.situations[s.value] == 0]
        covered = len(Situation) - len(missing)
        self.stdout.write(
            f"Situations covered: {covered} of {len(Situation)}"
            + (f" (missing: {', '.join(missing)})" if missing else ".")
        )
        self.stdout.write(
            "Try the promo codes at /promotions/check/; private single-use codes: "
            + ", ".join(summary.private_codes)
            + " (see docs/promotions.md)."
        )
        self.stdout.write("List the orders with `shopdesk demo --list` (see docs/demo.md).")
