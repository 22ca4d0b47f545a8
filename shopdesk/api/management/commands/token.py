"""`shopdesk token create --name NAME | list | revoke NAME`: API tokens of the store integration."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shopdesk.api.auth import token_create, token_revoke
from shopdesk.api.models import ApiToken
from shopdesk.core.errors import DomainError


class Command(BaseCommand):
    help = "Create, list and revoke API tokens for the store integration (/api/v1/store/)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser("create", help="create a token and print it once")
        create.add_argument("--name", required=True, help="who uses it, e.g. shopify-sync")
        actions.add_parser("list", help="list tokens (never their secrets)")
        revoke = actions.add_parser("revoke", help="revoke the live token with this name")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options["name"])
            elif options["action"] == "list":
                self._list()
            else:
                token = token_revoke(name=options["name"])
                self.stdout.write(f"Revoked {token.name} ({token.prefix}…).")
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _create(self, name: str) -> None:
        created = token_create(name=name)
        # The secret goes to stdout alone on its line so scripts can capture it; the notice goes to stderr.
        self.stderr.write(f"Token {created.token.name!r} created. Store it now: it is not shown again.")
        self.stdout.write(created.secret)

    def _list(self) -> None:
        tokens = list(ApiToken.objects.all())
        if not tokens:
            self.stdout.write("No tokens. Create one with: shopdesk token create --name NAME")
            return
        self.stdout.write(f"{'NAME':<24} {'PREFIX':<10} {'CREATED':<17} {'LAST USED':<17} STATUS")
        for token in tokens:
            last_used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            status = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            self.stdout.write(
                f"{token.name:<24} {token.prefix + '…':<10} {token.created_at:%Y-%m-%d %H:%M} {last_used:<17} {status}"
            )
