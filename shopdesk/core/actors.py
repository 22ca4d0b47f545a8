"""Who did something: recorded on every audit event, and checked by actions that depend on who asks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class ActorKind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    AGENT = "agent", "Agent"
    SYSTEM = "system", "System"  # the worker, scheduled checks, the demo loader
    INTEGRATION = "integration", "Store integration"  # the store platform through the API
    ASSISTANT = "assistant", "Assistant"  # acting for a verified customer in chat


class AgentRole(models.TextChoices):
    """What a desk user may do; each role may do everything the ones above it may."""

    # Works tickets, acts on orders under the customer-facing rules; sets aside, with a reason, the rules an
    # action lets agents override (OrderAction.overridable).
    AGENT = "agent", "Agent"
    LEAD = (
        "lead",
        "Lead",
    )  # also the rules only leads may set aside; approves refunds above the policy's limit
    ADMIN = "admin", "Admin"  # manages agents, macros and settings


_ROLE_RANK = {AgentRole.AGENT: 1, AgentRole.LEAD: 2, AgentRole.ADMIN: 3}


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    label: str  # an email, an agent's username, a token name: never a secret
    role: str = ""  # an AgentRole for agents, empty for everyone else

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
    def agent(cls, username: str, role: str = AgentRole.AGENT) -> Actor:
        return cls(ActorKind.AGENT, username, AgentRole(role).value)

    @classmethod
    def assistant(cls, email: str) -> Actor:
        """The assistant acting for a customer it has verified: the customer's rules apply."""
        return cls(ActorKind.ASSISTANT, email)

    @property
    def is_agent(self) -> bool:
        return self.kind == ActorKind.AGENT

    @property
    def is_customer_facing(self) -> bool:
        """Customer-facing rules apply as they are: the customer, or the assistant on their behalf."""
        return self.kind in (ActorKind.CUSTOMER, ActorKind.ASSISTANT)

    def has_role(self, role: str) -> bool:
        """An agent whose role is `role` or above it."""
        if not self.is_agent or not self.role:
            return False
        return _ROLE_RANK[AgentRole(self.role)] >= _ROLE_RANK[AgentRole(role)]
