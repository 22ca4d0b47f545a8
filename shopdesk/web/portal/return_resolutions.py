"""The return form's "Instead of the item" choice: a refund, store credit, another size or colour, or keep
it, as the policy offers them (shopdesk/returns/resolutions.py decides; the page only lists them)."""

from __future__ import annotations

from typing import Any

from shopdesk.orders.models import OrderLine
from shopdesk.policy import get_policy
from shopdesk.returns.enums import ReturnResolution
from shopdesk.returns.resolutions import exchange_options, resolutions_offered


def resolution_choices(line: OrderLine) -> list[dict[str, Any]]:
    """Options of the line's select: `refund`, `store_credit`, `keep`, `exchange:<sku>` (one per variant)."""
    offered = resolutions_offered()
    bonus = get_policy().returns.store_credit_bonus_percent
    choices = [{"value": "refund", "label": "Refund to my payment method", "available": True}]
    if ReturnResolution.STORE_CREDIT in offered:
        extra = f" (+{bonus.normalize():f}% bonus)" if bonus else ""
        choices.append({"value": "store_credit", "label": f"Store credit{extra}", "available": True})
    if ReturnResolution.EXCHANGE in offered:
        for option in exchange_options(line):
            sold_out = "" if option.stock > 0 else " — out of stock"
            choices.append(
                {
                    "value": f"exchange:{option.sku}",
                    "label": f"Exchange for {option.label}{sold_out}",
                    "available": option.stock > 0,
                }
            )
    if ReturnResolution.KEEP in offered:
        choices.append({"value": "keep", "label": "Keep it (where offered)", "available": True})
    return choices


def resolution_from_form(value: str) -> dict[str, str]:
    """The form's value as the action's params; anything unknown is left for the action to refuse."""
    value = value.strip()[:80]
    if value.startswith("exchange:"):
        return {"resolution": "exchange", "exchange_sku": value.removeprefix("exchange:")[:64]}
    if value in ReturnResolution.values and value != ReturnResolution.EXCHANGE:
        return {"resolution": value}
    return {"resolution": "refund"}


def resolution_notes() -> dict[str, Any]:
    policy = get_policy().returns
    offered = resolutions_offered()
    keep = ""
    if ReturnResolution.KEEP in offered:
        parts = []
        if policy.keep_below is not None:
            parts.append(f"items worth {policy.keep_below} {get_policy().store.currency} or less")
        labels = [r.label.lower() for r in policy.reasons if r.code in policy.keep_reasons]
        if labels:
            parts.append("items returned as “" + "” or “".join(labels) + "”")
        keep = "You can keep " + " and ".join(parts) + " and still get your refund: nothing to send back."
    return {
        "store_credit": ReturnResolution.STORE_CREDIT in offered,
        "bonus": f"{policy.store_credit_bonus_percent.normalize():f}"
        if policy.store_credit_bonus_percent
        else "",
        "exchange": ReturnResolution.EXCHANGE in offered,
        "keep": keep,
    }
