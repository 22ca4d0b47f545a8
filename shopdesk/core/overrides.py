"""An agent setting aside one customer-facing rule of one action, with the reason recorded.

An action lists the refusal codes it lets a desk role set aside (`OrderAction.overridable`); everything
else it checks still applies. Customers, the assistant and the system never override a rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.core.actors import Actor, AgentRole
from shopdesk.core.errors import InvalidInput, PermissionDenied

REASON_MAX = 500


@dataclass(frozen=True, slots=True)
class RuleOverride:
    codes: frozenset[str]  # the refusal codes set aside (e.g. "window_expired")
    reason: str  # why, in the agent's words: kept on the order's and the ticket's history
    actor: Actor

    def __post_init__(self) -> None:
        # However one is built, it never belongs to a customer: the services can trust the actor.
        if not self.actor.is_agent:
            raise PermissionDenied("Only our team can set a rule aside.", code="override_not_allowed")

    def sentence(self, action_label: str) -> str:
        rules = ", ".join(sorted(code.replace("_", " ") for code in self.codes))
        return f"{action_label}: rule set aside ({rules}) by {self.actor.label}. Reason: {self.reason}"


def rule_override(*, actor: Actor, reason: str, allowed: dict[str, str]) -> RuleOverride:
    """The override `actor` may make, given the codes an action allows and the least role for each.

    A customer (or anyone but an agent) is refused; so is an agent whose role is below every code's,
    and an empty reason."""
    if not actor.is_agent:
        raise PermissionDenied("Only our team can set a rule aside.", code="override_not_allowed")
    if not allowed:
        raise PermissionDenied("No rule of this action can be set aside.", code="override_not_offered")
    codes = frozenset(code for code, role in allowed.items() if actor.has_role(AgentRole(role)))
    if not codes:
        raise PermissionDenied(
            "Setting this rule aside needs a lead; ask one to do it.", code="override_role_required"
        )
    text = " ".join(reason.split())
    if not text:
        raise InvalidInput(
            "Say why the rule is set aside: the reason is kept on the order's history.",
            code="override_reason_required",
        )
    if len(text) > REASON_MAX:
        raise InvalidInput(f"Keep the reason under {REASON_MAX} characters.", code="override_reason_too_long")
    return RuleOverride(codes=codes, reason=text, actor=actor)
