"""`shopdesk desk agent add EMAIL --role agent|lead|admin` and `shopdesk desk token EMAIL`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shopdesk.core.actors import AgentRole
from shopdesk.core.errors import DomainError
from shopdesk.desk.services.agents import agent_add, agent_by_email, agent_token_create, agent_tokens_revoke


class Command(BaseCommand):
    help = "Manage desk agents and their API tokens."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True, metavar="{agent,token,revoke-tokens}")
        agent = commands.add_parser("agent", help="add a desk agent")
        agent_actions = agent.add_subparsers(dest="agent_action", required=True, metavar="{add}")
        add = agent_actions.add_parser(
            "add", help="create an agent (or change a user's role) with a new password"
        )
        add.add_argument("email")
        add.add_argument("--role", required=True, choices=AgentRole.values)
        add.add_argument("--name", default="", help="the name customers see under replies")
        token = commands.add_parser("token", help="print a new API token for an agent (alone on stdout)")
        token.add_argument("email")
        revoke = commands.add_parser("revoke-tokens", help="revoke every API token of an agent")
        revoke.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["command"] == "agent":
                added = agent_add(email=options["email"], role=options["role"], name=options["name"])
                self.stdout.write(
                    f"Desk {options['role']} {added.user.get_username()} is ready. Sign in at /desk/ with:"
                )
                self.stdout.write(f"  email:    {added.user.get_username()}")
                self.stdout.write(f"  password: {added.password}")
                self.stderr.write("The password is shown once; the agent can change it after signing in.")
            elif options["command"] == "token":
                secret = agent_token_create(user=agent_by_email(options["email"]))
                self.stderr.write("Store this token now: it is not shown again.")
                self.stdout.write(secret)
            else:
                count = agent_tokens_revoke(user=agent_by_email(options["email"]))
                self.stdout.write(f"Revoked {count} token{'s' if count != 1 else ''}.")
        except DomainError as exc:
            raise CommandError(exc.message) from None
