"""Who did something: recorded on every audit event."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class ActorKind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    AGENT = "agent", "Agent"
    SYSTEM = "system", "System"  # the worker, scheduled checks, the demo loader
    INTEGRATION = "integration", "Store integration"  # the store platform through the API
    ASSISTANT = "assistant", "Assistant"  # acting for a verified customer in chat


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    label: str  # an email, an agent's username, a token name: never a secret

    @classmethod
    def system(cls, label: str = "shopdesk") -> Actor:
        return cls(ActorKind.SYSTEM, label)

    @classmethod
    def customer(cls, email: str) -> Actor:
        return cls(ActorKind.CUSTOMER, email)

    @classmethod
    def integration(cls, token_name: str) -> Actor:
        return cls(ActorKind.INTEGRATION, token_name)

    @classmethod
    def agent(cls, username: str) -> Actor:
        return cls(ActorKind.AGENT, username)
