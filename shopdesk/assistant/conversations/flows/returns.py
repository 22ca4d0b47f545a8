"""Returns on the verified order: which items can go back and why (the returns app's own answer per
item), then a return started through the `return_start` action after the item, the reason and a yes.

The eligibility and the refund estimate come from shopdesk/returns; nothing here decides a rule.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.orders import actor_for, order_url, preview_action
from shopdesk.assistant.conversations.replies import Reply
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy
from shopdesk.policy.money import money_text
from shopdesk.returns.eligibility import LineReturnability, order_returnability
from shopdesk.returns.resolutions import exchange_choices, exchange_options
from shopdesk.selfservice.actions.returns import ReturnStartAction
from shopdesk.selfservice.registry import action_get

RETURN_INTENTS = ("return_item", "non_returnable")

# The customer's words for the policy's reason codes (the labels themselves match too).
_REASON_WORDS: tuple[tuple[str, str], ...] = (
    ("too_small", r"\bto+o? (small|tight|short)\b|\bsmall(er)?\b|\btight\b"),
    ("too_big", r"\bto+o? (big|large|loose|long)\b|\bbig(ger)?\b|\blarge\b|\bloose\b"),
    ("damaged_in_transit", r"\b(damaged|broken|crushed|smashed)\b"),
    ("defective", r"\b(defect\w*|faulty|doesn'?t work|not working|stopped working|ripped|torn)\b"),
    ("wrong_item", r"\bwrong (item|product|one|colou?r|thing)\b|\bnot what i ordered\b"),
    ("not_as_pictured", r"\b(not as (pictured|shown|described)|looks different|colou?r is off)\b"),
    ("changed_mind", r"\b(changed? my mind|don'?t (want|need|like) it|no longer (want|need))\b"),
)
_EXCHANGE = re.compile(
    r"\b(exchange\w*|swap\w*)\b|\b(another|different|other|bigger|smaller|larger) (size|colou?r)\b"
    r"|\bsize (up|down)\b|\b(in|for) (a )?(bigger|smaller|larger)\b",
    re.I,
)
_COLOUR = re.compile(r"\bcolou?rs?\b", re.I)
EXCHANGE_CHOICES = 8
_SIZE_WANTED = (
    ("too_small", r"\b(bigger|larger) (size|one)\b|\bsize up\b|\bone size up\b"),
    ("too_big", r"\bsmaller (size|one)\b|\bsize down\b|\bone size down\b"),
)
_WRONG_SIZE = re.compile(r"\bwrong size\b|\bdoesn'?t fit\b|\bdon'?t fit\b|\bsize\b", re.I)


def reason_from_text(text: str) -> str | None:
    """The policy's reason code a message names, or None ("wrong size" alone is either way: ask)."""
    policy = get_policy().returns
    lowered = text.lower()
    # "A bigger size" is what a shopper wants when the item is too small (and the other way round).
    for code, pattern in _SIZE_WANTED:
        if policy.reason(code) is not None and re.search(pattern, lowered):
            return code
    for reason in policy.reasons:
        if reason.label.lower() in lowered:
            return str(reason.code)
    for code, pattern in _REASON_WORDS:
        if policy.reason(code) is not None and re.search(pattern, lowered):
            return code
    return None


def return_wishes_remember(turn: Turn) -> None:
    """What the first message of a return already says (the reason, an exchange), kept while the order is
    verified."""
    text = turn.text or ""
    step = dict(turn.conversation.step)
    reason = reason_from_text(text)
    if reason:
        step["reason"] = reason
    if _EXCHANGE.search(text):
        step["exchange"] = True
    turn.conversation.step = step


def _returns_reply(order: Order, answers: list[LineReturnability], text: str) -> Reply:
    return Reply(
        "returns",
        text,
        {
            "number": order.number,
            "url": order_url(order.number),
            "items": [
                {**answer.as_dict(), "allowed": answer.eligibility.allowed, "last_day": _day(answer)}
                for answer in answers
            ],
        },
    )


def _day(answer: LineReturnability) -> str | None:
    return answer.last_day.isoformat() if answer.last_day else None


def _summary(answers: list[LineReturnability]) -> str:
    lines = []
    for answer in answers:
        verdict = "can go back" if answer.eligibility.allowed else "can't go back"
        lines.append(f"{answer.line.product_name}: {verdict}. {answer.eligibility.message}".strip())
    return " ".join(lines)


def returns_flow(turn: Turn, order: Order, intent: str) -> None:
    """Per-item eligibility; for a return, the item to send back (choices) and then the reason."""
    answers = order_returnability(order=order, now=timezone.now())
    if not answers:
        turn.answer.say("This order has no items that could be returned.")
        return
    turn.answer.add(_returns_reply(order, answers, _summary(answers)))
    allowed = [a for a in answers if a.eligibility.allowed and a.units > 0]
    turn.tried(f"{intent}: showed which items of {order.number} can be returned")
    if not allowed:
        action = action_get("return_start")
        assert isinstance(action, ReturnStartAction)
        eligibility = action.eligibility_of_items(order=order, actor=actor_for(turn), answers=answers)
        if eligibility.needs_approval:
            preview_action(turn, order, "return_start", {})  # hands over to a person who decides
        return
    if intent == "non_returnable":
        turn.answer.offer("Start a return", "intent:return_item")
        return
    step: dict[str, Any] = {
        "package": turn.conversation.step.get("package"),
        "orders": turn.conversation.step.get("orders") or [],
        "flow": "return",
        "exchange": bool(turn.conversation.step.get("exchange") or _EXCHANGE.search(turn.text or "")),
    }
    named = _named_line(turn.text, allowed)
    if named is None and len(allowed) == 1:
        named = allowed[0]
    reason = reason_from_text(turn.text or "") or turn.conversation.step.get("reason")
    if named is None:
        turn.answer.add(
            Reply(
                "choices",
                "Which item would you like to send back?",
                {"choices": [{"line": a.line.pk, "label": a.line.product_name} for a in allowed]},
            )
        )
        for answer in allowed:
            turn.answer.offer(answer.line.product_name, f"ret:{answer.line.pk}")
        turn.conversation.step = {**step, "lines": [a.line.pk for a in allowed], "reason": reason}
        turn.choices_remember([(f"ret:{a.line.pk}", _words(a)) for a in allowed])
        return
    turn.conversation.step = {**step, "lines": [a.line.pk for a in allowed], "line": named.line.pk}
    turn.choices_remember([(f"ret:{a.line.pk}", _words(a)) for a in allowed])
    _reason_or_preview(turn, order, named.line.pk, reason)


def _words(answer: LineReturnability) -> str:
    line = answer.line
    return " ".join(part for part in (line.product_name, line.colour, line.size) if part)


def _named_line(text: str, allowed: list[LineReturnability]) -> LineReturnability | None:
    lowered = (text or "").lower()
    named = [a for a in allowed if a.line.product_name and a.line.product_name.lower() in lowered]
    return named[0] if len(named) == 1 else None


def _reason_or_preview(turn: Turn, order: Order, line_id: int, reason: str | None) -> None:
    if reason is None:
        turn.conversation.step = {**turn.conversation.step, "line": line_id, "awaiting_reason": True}
        turn.answer.say("Why are you sending it back?")
        for choice in get_policy().returns.reasons:
            turn.answer.offer(choice.label, f"reason:{choice.code}")
        return
    answers = {a.line.pk: a for a in order_returnability(order=order, now=timezone.now())}
    units = answers[line_id].units if line_id in answers else 1
    step = {**turn.conversation.step, "line": line_id, "awaiting_reason": False, "reason": reason}
    turn.conversation.step = step
    if step.get("exchange") and line_id in answers and _exchange_offered(turn, answers[line_id]):
        return
    _preview_return(turn, order, line_id, max(units, 1), reason, {})


def _exchange_offered(turn: Turn, answer: LineReturnability) -> bool:
    """The sizes and colours in stock to exchange the item for (buttons); False when there is none."""
    options = exchange_choices(
        answer.line,
        reason=turn.conversation.step.get("reason"),
        colour=bool(_COLOUR.search(turn.text or "")),
        limit=EXCHANGE_CHOICES,
    )
    name = answer.line.product_name
    if not options:
        turn.answer.say(f"No other size or colour of the {name} is in stock now, so I can only refund it.")
        turn.conversation.step = {**turn.conversation.step, "exchange": False}
        return False
    turn.answer.add(
        Reply(
            "choices",
            f"Which {_what_changes(turn)} of the {name} would you like instead?",
            {"choices": [{**option.as_dict(), "payload": f"exch:{option.sku}"} for option in options]},
        )
    )
    for option in options:
        turn.answer.offer(option.label, f"exch:{option.sku}")
    turn.answer.offer("A refund instead", "exch:refund")
    turn.conversation.step = {**turn.conversation.step, "exchange_skus": [o.sku for o in options]}
    turn.choices_remember([(f"exch:{o.sku}", o.label.replace("/", " ")) for o in options])
    turn.tried(f"return_item: offered {len(options)} sizes or colours to exchange the {name} for")
    return True


def _what_changes(turn: Turn) -> str:
    if turn.conversation.step.get("reason") in ("too_small", "too_big"):
        return "size"
    return "colour" if _COLOUR.search(turn.text or "") else "size or colour"


def return_exchange_chosen(turn: Turn, order: Order, value: str) -> None:
    """The size or colour chosen for the exchange (or a refund instead): the return's preview."""
    step = turn.conversation.step
    line_id, reason = step.get("line"), step.get("reason")
    if not line_id or not reason:
        turn.answer.say("Ask me again to return the item: I lost track of which one it was.")
        return
    answers = {a.line.pk: a for a in order_returnability(order=order, now=timezone.now())}
    answer = answers.get(int(line_id))
    if answer is None or not answer.eligibility.allowed:
        turn.answer.say("That item can't be returned any more. Ask me again to see what still can.")
        return
    units = max(answer.units, 1)
    if value == "refund":
        turn.conversation.step = {**step, "exchange": False}
        _preview_return(turn, order, answer.line.pk, units, reason, {})
        return
    option = next((o for o in exchange_options(answer.line) if o.sku == value and o.stock > 0), None)
    if option is None or value not in (step.get("exchange_skus") or []):
        turn.answer.say("That size or colour isn't available any more: please choose another one.")
        return
    turn.answer.say(f"You send back the {answer.line.product_name} and get it in {option.label} instead.")
    _preview_return(
        turn, order, answer.line.pk, units, reason, {"resolution": "exchange", "exchange_sku": option.sku}
    )


def _preview_return(
    turn: Turn, order: Order, line_id: int, units: int, reason: str, resolution: dict[str, str]
) -> None:
    preview_action(
        turn,
        order,
        "return_start",
        {"lines": [{"line_id": line_id, "quantity": units, "reason": reason, **resolution}]},
    )
    pending = turn.conversation.pending_action
    estimate = next((r.data.get("refund_estimate") for r in turn.answer.replies if r.type == "confirm"), None)
    if pending and estimate:
        turn.answer.replies.insert(len(turn.answer.replies) - 1, _refund_reply(estimate, order.currency))


def _estimate_money(estimate: dict[str, Any], amount: str, order_currency: str) -> str:
    """An amount of a refund estimate (`plans_as_dict`) in the store's money format."""
    return money_text(amount, estimate.get("currency") or order_currency)


def _refund_reply(estimate: dict[str, Any], currency: str) -> Reply:
    def money(amount: str) -> str:
        return _estimate_money(estimate, amount, currency)

    return Reply(
        "refund",
        "What would come back after inspection:",
        {
            "lines": [
                {"label": line["description"], "amount": money(line["amount"])}
                for line in estimate.get("lines", [])
            ],
            "total": money(estimate["total"]),
            "total_label": "Estimated refund",
            "caption": "Estimated refund of the return",
        },
    )


def return_line_chosen(turn: Turn, order: Order, value: str) -> None:
    step = turn.conversation.step
    lines = [int(line) for line in step.get("lines", [])]
    if not value.isdigit() or int(value) not in lines:
        turn.answer.say("That item can't be returned any more. Ask me again to see what still can.")
        return
    _reason_or_preview(turn, order, int(value), step.get("reason"))


def return_reason_chosen(turn: Turn, order: Order, code: str) -> None:
    step = turn.conversation.step
    if get_policy().returns.reason(code) is None or not step.get("line"):
        turn.answer.say("Please choose one of the reasons offered.")
        return
    _reason_or_preview(turn, order, int(step["line"]), code)


def return_reason_answer(turn: Turn, order: Order) -> bool:
    """A typed answer to "why are you sending it back?"; False when it names no reason (read it afresh)."""
    reason = reason_from_text(turn.text or "")
    if reason is None:
        if _WRONG_SIZE.search(turn.text or ""):
            turn.answer.say("Too small or too big?")
            for code in ("too_small", "too_big"):
                found = get_policy().returns.reason(code)
                if found is not None:
                    turn.answer.offer(found.label, f"reason:{code}")
            return True
        return False
    _reason_or_preview(turn, order, int(turn.conversation.step["line"]), reason)
    return True


RETURN_STATUS_INTENTS = ("return_received", "refund_timing")


def return_status_flow(turn: Turn, order: Order, intent: str) -> None:
    """Where each return of the order stands (in transit, received, inspected, refunded) and its last step."""
    from shopdesk.returns.selectors import return_as_dict, returns_of_order

    returns = [return_as_dict(found) for found in returns_of_order(order=order)]
    if not returns:
        turn.answer.say(f"Order {order.number} has no return yet.")
        turn.answer.offer("Start a return", "intent:return_item")
        turn.tried(f"{intent}: order {order.number} has no return")
        return
    for found in returns:
        items = ", ".join(f"{line['quantity']} × {line['name']}" for line in found["lines"])
        text = f"Return {found['rma']} ({items}): {found['status_label']}."
        last = found["timeline"][-1]["message"] if found["timeline"] else ""
        if last:
            text += f" {last}"
        estimate = found.get("refund_estimate") or {}
        if estimate.get("total") and intent == "refund_timing":
            amount = _estimate_money(estimate, estimate["total"], order.currency)
            text += f" Its refund was estimated at {amount} when it was created."
        turn.answer.add(
            Reply(
                "returns",
                text.strip(),
                {
                    "number": order.number,
                    "url": order_url(order.number),
                    "rma": found["rma"],
                    "status": found["status"],
                    "items": [],
                },
            )
        )
    turn.tried(f"{intent}: gave the status of {len(returns)} return(s) of {order.number}")
