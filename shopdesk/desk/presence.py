"""Who else has a ticket open, and who is writing on it: a few seconds of state in Django's cache.

The ticket page posts every 10 seconds (viewing or replying) and gets the other agents back. One cache
key per agent and ticket, so two agents never overwrite each other's entry; an entry dies on its own
when the page closes. Polling, not a stream: a held connection would tie up one of the few workers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache

from shopdesk.desk.roles import agent_display_name

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PRESENCE_SECONDS = 30
PRESENCE_MODES = ("viewing", "replying")


@dataclass(frozen=True, slots=True)
class Presence:
    user_id: int
    name: str
    mode: str
    seen_at: float


def _key(ticket_id: int, user_id: int) -> str:
    return f"shopdesk:desk:presence:{ticket_id}:{user_id}"


def presence_mark(*, ticket_id: int, user: User, mode: str) -> None:
    if mode not in PRESENCE_MODES:
        mode = "viewing"
    entry = (agent_display_name(user), mode, time.time())
    cache.set(_key(ticket_id, int(user.pk)), entry, timeout=PRESENCE_SECONDS)


def presence_others(*, ticket_id: int, user: User, agent_ids: list[int]) -> list[Presence]:
    """The other agents seen on this ticket in the last PRESENCE_SECONDS, replying ones first."""
    keys = {_key(ticket_id, agent_id): agent_id for agent_id in agent_ids if agent_id != user.pk}
    found = cache.get_many(list(keys))
    now = time.time()
    others = [
        Presence(user_id=keys[key], name=name, mode=mode, seen_at=seen)
        for key, (name, mode, seen) in found.items()
        if now - seen <= PRESENCE_SECONDS
    ]
    return sorted(others, key=lambda p: (p.mode != "replying", p.name))
