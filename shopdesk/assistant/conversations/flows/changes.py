"""Change an item of the verified order (size, colour or quantity) through the `change_items` action: the
item, what it becomes, the action's preview, then a yes. An address change goes to the address flow.

Which items may change, the choices offered and the sentence of the preview all come from the action;
the words read here only pick among the choices the action lists.
"""

from __future__ import annotations

import re
from typing import Any

from shopdesk.assistant.conversations.flows.addresses import address_start
from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.orders import actor_for, preview_action
from shopdesk.assistant.conversations.replies import Reply
from shopdesk.assistant.conversations.slots import access_get, verified_order
from shopdesk.core.errors import NotFound
from shopdesk.orders.models import Order, OrderLine
from shopdesk.selfservice.actions.change import ChangeItemsAction, LineOptions
from shopdesk.selfservice.registry import action_get

CHANGE_INTENTS = ("change_order",)
ACTION = "change_items"
_ADDRESS = re.compile(r"\b(address|deliver(y|ed)? to|ship(ping|ped)? to|post ?code|zip)\b", re.I)
_BILLING = re.compile(r"\bbilling\b", re.I)
_BIGGER = re.compile(r"\b(to+o? (small|tight|short)|bigger|larger|size up|one size up|a size up)\b", re.I)
_SMALLER = re.compile(r"\b(to+o? (big|large|loose|long)|smaller|size down|one size down|a size down)\b", re.I)
_SIZE_WORDS = {
    "extra small": "XS",
    "extra large": "XL",
    "small": "S",
    "medium": "M",
    "large": "L",
}
# A single letter is a size only after a word that introduces one ("size M", "in L", "an S").
_SIZE_LETTER = re.compile(r"\b(?:size|in|an?|to|for)\s+([a-z]{1,4})\b|^\W*([a-z]{1,4})\W*$", re.I)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_QUANTITY = re.compile(
    r"\b(?:quantity|qty|only|just)\s*(?:to\s+|of\s+)?(\d{1,3}|one|two|three|four|five|six)\b"
    r"|\b(\d{1,3}|one|two|three|four|five|six)\s+(?:pieces?|pcs|units?|of them|instead)\b",
    re.I,
)
MAX_BUTTONS = 12


def _action() -> ChangeItemsAction:
    action = action_get(ACTION)
    assert isinstance(action, ChangeItemsAction)
    return action


def change_flow(turn: Turn, order: Order, intent: str) -> None:
    """The item to change and what it becomes; or why nothing can change; an address goes to its flow."""
    text = turn.text or ""
    if _ADDRESS.search(text):
        target = "change_billing_address" if _BILLING.search(text) else "shipping_address"
        turn.conversation.last_intent = target
        turn.answer.intent = target
        address_start(turn, order, target)
        return
    action, actor = _action(), actor_for(turn)
    eligibility = action.eligibility(order=order, actor=actor)
    if not eligibility.allowed or eligibility.needs_approval:
        preview_action(turn, order, ACTION, {})  # says why not (code and message), or hands over
        if (
            not eligibility.needs_approval
            and action_get("return_start").eligibility(order=order, actor=actor).allowed
        ):
            # Too late to change it, but it can go back (for another size or colour, too).
            turn.answer.offer("Start a return", "intent:return_item")
        return
    lines = [
        line
        for line in order.lines.order_by("id")
        if action.line_eligibility(order=order, line=line, actor=actor).allowed
    ]
    step: dict[str, Any] = {
        "orders": turn.conversation.step.get("orders") or [],
        "collect": "change",
        "lines": [line.pk for line in lines],
    }
    turn.conversation.step = step
    named = _named_line(text, lines)
    if named is None and len(lines) == 1:
        named = lines[0]
    if named is None:
        turn.answer.add(
            Reply(
                "choices",
                f"{eligibility.message} Which item would you like to change?",
                {"choices": [{"line": line.pk, "label": _label(line)} for line in lines]},
            )
        )
        for line in lines:
            turn.answer.offer(_label(line), f"chg:{line.pk}")
        turn.choices_remember([(f"chg:{line.pk}", _label(line)) for line in lines])
        turn.tried(f"change_order: asked which item of {order.number} to change")
        return
    _change_or_ask(turn, order, named, text)


def _label(line: OrderLine) -> str:
    details = ", ".join(part for part in (line.colour, line.size and f"size {line.size}") if part)
    return f"{line.quantity_active} × {line.product_name}" + (f" ({details})" if details else "")


def _named_line(text: str, lines: list[OrderLine]) -> OrderLine | None:
    lowered = text.lower()
    named = [line for line in lines if line.product_name and line.product_name.lower() in lowered]
    return named[0] if len(named) == 1 else None


def wanted_change(text: str, line: OrderLine, options: LineOptions) -> dict[str, Any]:
    """The size, colour or quantity the words ask for, among the choices offered for this item."""
    lowered = " ".join(text.lower().split())
    wanted: dict[str, Any] = {}
    sizes = [size for size in options.sizes if size]
    by_upper = {size.upper(): size for size in sizes}
    if line.size in sizes and (_BIGGER.search(lowered) or _SMALLER.search(lowered)):
        step = 1 if _BIGGER.search(lowered) else -1
        index = sizes.index(line.size) + step
        if 0 <= index < len(sizes):
            wanted["size"] = sizes[index]
    else:
        for words, size in _SIZE_WORDS.items():
            if re.search(rf"(?<!to )(?<!too )\b{words}\b", lowered) and size in by_upper:
                wanted["size"] = by_upper[size]
                break
        else:
            for match in _SIZE_LETTER.finditer(lowered):
                letters = (match.group(1) or match.group(2) or "").upper()
                if letters in by_upper and letters != line.size.upper():
                    wanted["size"] = by_upper[letters]
                    break
    for colour in options.colours:
        if colour and colour != line.colour and re.search(rf"\b{re.escape(colour.lower())}\b", lowered):
            wanted["colour"] = colour
            break
    quantity = _QUANTITY.search(lowered)
    if quantity:
        word = quantity.group(1) or quantity.group(2)
        number = _NUMBER_WORDS.get(word) if not word.isdigit() else int(word)
        if number in options.quantities and number != line.quantity_active:
            wanted["quantity"] = number
    if "size" in wanted and "colour" in wanted:
        wanted.pop("colour")  # one thing at a time, as the portal's form offers them
    return wanted


def _change_or_ask(turn: Turn, order: Order, line: OrderLine, text: str) -> None:
    options = _action().line_options(line=line)
    turn.conversation.step = {**turn.conversation.step, "line": line.pk}
    wanted = wanted_change(text, line, options)
    if wanted:
        preview_action(turn, order, ACTION, {"line_id": line.pk, **wanted})
        return
    buttons = [(f"Size {s}", f"chg:{line.pk}:size:{s}") for s in options.sizes if s and s != line.size]
    buttons += [(c, f"chg:{line.pk}:colour:{c}") for c in options.colours if c and c != line.colour]
    buttons += [
        (f"Quantity {q}", f"chg:{line.pk}:quantity:{q}")
        for q in options.quantities
        if q != line.quantity_active
    ]
    if not buttons:
        turn.answer.say(
            f"The {line.product_name} has no other size, colour or quantity to change to right now."
        )
        turn.tried(f"change_order: {line.product_name} has no other choice")
        return
    turn.answer.add(
        Reply(
            "choices",
            f"What should the {_label(line)} become?",
            {
                "line": line.pk,
                "choices": [{"label": label, "payload": payload} for label, payload in buttons],
            },
        )
    )
    for label, payload in buttons[:MAX_BUTTONS]:
        turn.answer.offer(label, payload)
    turn.choices_remember([(payload, label) for label, payload in buttons])
    turn.tried(f"change_order: asked what the {line.product_name} should become")


def change_button(turn: Turn, order: Order, value: str) -> None:
    """`chg:<line>` picks the item; `chg:<line>:<size|colour|quantity>:<choice>` previews the change."""
    line_id, _, rest = value.partition(":")
    line = _offered_line(turn, order, line_id)
    if line is None:
        turn.answer.say("That item can't be changed any more. Ask me again to see what still can.")
        return
    field, _, choice = rest.partition(":")
    if not field:
        _change_or_ask(turn, order, line, "")
        return
    if field not in ("size", "colour", "quantity") or not choice:
        turn.answer.say("Please choose one of the options offered.")
        return
    params: dict[str, Any] = {"line_id": line.pk, field: int(choice) if field == "quantity" else choice}
    if field == "quantity" and not choice.isdigit():
        turn.answer.say("Please choose one of the options offered.")
        return
    preview_action(turn, order, ACTION, params)


def _offered_line(turn: Turn, order: Order, line_id: str) -> OrderLine | None:
    offered = [int(line) for line in turn.conversation.step.get("lines") or []]
    if not line_id.isdigit() or int(line_id) not in offered:
        return None
    return order.lines.filter(pk=int(line_id)).first()


def change_answer(turn: Turn) -> bool:
    """A typed answer while an item is being changed ("a size bigger", "the scarf", "in navy"); False to
    read the message afresh (it names nothing offered)."""
    conversation = turn.conversation
    access = access_get(conversation)
    if access is None or conversation.last_intent != "change_order":
        return False
    try:
        order = verified_order(conversation, access)
    except NotFound:
        return False
    text = turn.text or ""
    if _ADDRESS.search(text):
        return False
    step = conversation.step
    if step.get("line"):
        line = _offered_line(turn, order, str(step["line"]))
    else:
        offered = list(order.lines.filter(pk__in=step.get("lines") or []))
        line = _named_line(text, offered)
    if line is None:
        return False
    options = _action().line_options(line=line)
    if not step.get("line"):
        turn.answer.intent = conversation.last_intent
        _change_or_ask(turn, order, line, text)
        return True
    wanted = wanted_change(text, line, options)
    if not wanted:
        return False
    turn.answer.intent = conversation.last_intent
    preview_action(turn, order, ACTION, {"line_id": line.pk, **wanted})
    return True
