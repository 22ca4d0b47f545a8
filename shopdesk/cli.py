"""The `shopdesk` command: every Django management command, plus shopdesk's own.

shopdesk serve [--dev] [--host H] [--port P]   migrate if needed, then serve
shopdesk demo [--orders N] [--seed S] [--list] load (or list) the deterministic demo store
shopdesk token create --name NAME              an API token for the store integration
shopdesk import FILE                           orders, products, shipments from CSV or JSON Lines
shopdesk worker                                deliver the outbox (emails, webhooks)
shopdesk db_worker                             run scheduled jobs (payment verification deadlines)
shopdesk webhooks add URL --events a,b | list | rotate ID | delete ID   webhook endpoints
shopdesk ask ["message"]                       one assistant turn, or a chat in the terminal
shopdesk nlu predict | eval FILE               the assistant's understanding
shopdesk <django command>                      migrate, createsuperuser, check, shell, ...
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopdesk.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__)
        if not args:
            return
    execute_from_command_line(["shopdesk", *args])


if __name__ == "__main__":
    main()
