"""The text of a macro: `{{ dotted.name }}` placeholders filled from a whitelist, nothing else.

No template engine runs here. A placeholder is a dotted name looked up in plain data the desk builds
(policy variables as the help center shows them, and a fixed set of order, package, customer, ticket
and agent values), so a macro written by staff can read those values and can never reach an object,
call a method, loop or include a file. Unknown names are refused when the macro is saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from babel.dates import format_date
from django.conf import settings
from django.urls import reverse

from shopdesk.core.errors import InvalidInput
from shopdesk.policy import Policy, get_policy
from shopdesk.policy.money import money_text

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}")
# Anything that looks like template syntax but is not a plain placeholder is refused, not ignored.
TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")

# The values a macro may use beside the policy's, with what each one needs to exist.
TICKET_PLACEHOLDERS: dict[str, str] = {
    "customer.name": "ticket",
    "customer.first_name": "ticket",
    "customer.email": "ticket",
    "ticket.reference": "ticket",
    "ticket.subject": "ticket",
    "agent.name": "agent",
    "agent.first_name": "agent",
    "order.number": "order",
    "order.placed_on": "order",
    "order.total": "order",
    "order.email": "order",
    "order.url": "order",
    "package.carrier": "package",
    "package.tracking_number": "package",
    "package.tracking_url": "package",
    "package.status": "package",
}
_NEEDS_SENTENCE = {
    "order": "the ticket has no order",
    "package": "the order has no package with a tracking number yet",
    "ticket": "there is no ticket",
    "agent": "there is no agent",
}


def placeholders_in(text: str) -> list[str]:
    return [match.group(1) for match in PLACEHOLDER.finditer(text)]


def _policy_value(data: Mapping[str, Any], name: str) -> str | None:
    """The policy variable `name` as text, or None when it is not a plain value (a list, a section)."""
    value: Any = data
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value)


def _policy_data(policy: Policy) -> Mapping[str, Any]:
    from shopdesk.helpcenter.templating import policy_context

    return policy_context(policy)[0]


def macro_text_check(text: str, *, policy: Policy | None = None) -> None:
    """Raise InvalidInput naming the first thing a macro may not contain (checked when it is saved)."""
    if TEMPLATE_SYNTAX.search(PLACEHOLDER.sub("", text)):
        raise InvalidInput(
            "A macro may only use placeholders like {{ order.number }}, nothing else in braces.",
            code="macro_syntax",
        )
    data = _policy_data(policy or get_policy())
    unknown = [
        name
        for name in placeholders_in(text)
        if name not in TICKET_PLACEHOLDERS and _policy_value(data, name) is None
    ]
    if unknown:
        raise InvalidInput(
            f"Unknown placeholder {{{{ {unknown[0]} }}}}: use an order, package, customer, ticket or agent "
            "value, or a policy variable of the help center.",
            code="macro_placeholder_unknown",
            details={"placeholders": unknown},
        )


def macro_text_render(text: str, values: Mapping[str, str], *, policy: Policy | None = None) -> str:
    """Fill every placeholder; raise InvalidInput when one has no value for this ticket."""
    macro_text_check(text, policy=policy)
    data = _policy_data(policy or get_policy())

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in TICKET_PLACEHOLDERS:
            if name not in values:
                need = TICKET_PLACEHOLDERS[name]
                raise InvalidInput(
                    f"This macro uses {{{{ {name} }}}}, but {_NEEDS_SENTENCE[need]}.",
                    code="macro_value_missing",
                    details={"placeholder": name},
                )
            return values[name]
        value = _policy_value(data, name)
        assert value is not None  # checked above
        return value

    return PLACEHOLDER.sub(fill, text)


def absolute_url(path: str) -> str:
    return str(getattr(settings, "SHOPDESK_BASE_URL", "")).rstrip("/") + path


def macro_values(*, ticket: Any = None, order: Any = None, agent: Any = None) -> dict[str, str]:
    """The whitelisted values of this ticket, its order and its latest package with a tracking number."""
    policy = get_policy()
    values: dict[str, str] = {}
    if ticket is not None:
        name = ticket.customer_name or (ticket.customer.name if getattr(ticket, "customer", None) else "")
        values["customer.name"] = name or "there"
        values["customer.first_name"] = (name.split() or ["there"])[0]
        values["customer.email"] = ticket.customer_email
        values["ticket.reference"] = ticket.reference
        values["ticket.subject"] = ticket.subject
    if agent is not None:
        full = agent.get_full_name() or agent.get_username()
        values["agent.name"] = full
        values["agent.first_name"] = full.split()[0]
    if order is not None:
        values["order.number"] = order.number
        values["order.email"] = order.email
        values["order.placed_on"] = format_date(order.placed_at, format="long", locale=policy.store.locale)
        values["order.total"] = money_text(order.total, order.currency)
        values["order.url"] = absolute_url(reverse("portal:order", args=[order.number]))
        package = order.shipments.exclude(tracking_number="").order_by("-shipped_at", "-id").first()
        if package is not None:
            carrier = policy.carrier(package.carrier)
            values["package.carrier"] = carrier.name if carrier else package.carrier.upper()
            values["package.tracking_number"] = package.tracking_number
            values["package.tracking_url"] = (
                carrier.tracking_url.format(number=quote(package.tracking_number)) if carrier else ""
            )
            values["package.status"] = package.get_status_display().lower()
    return values
