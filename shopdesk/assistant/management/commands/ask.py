"""``shopdesk ask``: talk to the assistant in the terminal, with the same flows as the chat.

shopdesk ask "where is my order?"     one turn: the replies, then the buttons offered
shopdesk ask                          an interactive session; type a button's number to press it
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from shopdesk.access.errors import RateLimited
from shopdesk.assistant.conversations.engine import conversation_message, conversation_start
from shopdesk.assistant.conversations.replies import Answer
from shopdesk.core.errors import DomainError

CLIENT = "terminal"
PROMPT = "you> "


class Command(BaseCommand):
    help = "Ask the assistant one question, or chat with it (no argument)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("message", nargs="?", help="the message; without it, an interactive session")

    def handle(self, *args: Any, **options: Any) -> None:
        conversation = conversation_start(client_ip=CLIENT)
        if options["message"] is not None:
            self._turn(conversation.id, text=options["message"])
            return
        self.stdout.write(
            "Ask me anything about your orders, shipping, returns or payments. Ctrl-D to leave."
        )
        buttons: list[str] = []
        while True:
            try:
                line = input(PROMPT).strip()
            except (EOFError, KeyboardInterrupt):
                self.stdout.write("")
                return
            if not line:
                continue
            if line.isdigit() and 1 <= int(line) <= len(buttons):
                buttons = self._turn(conversation.id, button=buttons[int(line) - 1])
            else:
                buttons = self._turn(conversation.id, text=line)

    def _turn(self, conversation_id: str, *, text: str | None = None, button: str | None = None) -> list[str]:
        try:
            answer = conversation_message(
                conversation_id=conversation_id, client_ip=CLIENT, text=text, button=button
            )
        except RateLimited as exc:
            self.stdout.write(exc.message)
            return []
        except DomainError as exc:
            self.stdout.write(exc.message)
            return []
        self._print(answer)
        return [b.payload for b in answer.actions]

    def _print(self, answer: Answer) -> None:
        for reply in answer.replies:
            self.stdout.write(reply.text)
            url = reply.data.get("url")
            if url and url not in reply.text:
                self.stdout.write(f"  {url}")
            for event in reply.data.get("events", [])[:3] if reply.type == "timeline" else []:
                self.stdout.write(
                    f"  - {event['at'][:10]} {event['status_label']} {event['location']}".rstrip()
                )
        for index, button in enumerate(answer.actions, start=1):
            self.stdout.write(f"  [{index}] {button.label}")
