"""Promotion codes: why a code doesn't work and which codes go together, answered by the promotions
check (shopdesk/promotions) for the shopper's own order used as the cart.

The codes come from the conversation's own messages; a cart not ordered yet is checked on the check
page, which the answer links with the codes filled in.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.urls import reverse

from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.slots import access_get
from shopdesk.assistant.nlu.entities.promo_codes import NOT_CODES
from shopdesk.core.errors import DomainError
from shopdesk.orders.models import Order
from shopdesk.promotions.selectors import promo_check

PROMOTION_INTENTS = ("promo_code_problem", "coupon_stacking")
CODES_KEPT = 10
# The answer to "which code?" may be the code alone, in any case ("summer30", "it's SAVE15").
_BARE_CODE = re.compile(r"(?<![\w@.-])([A-Za-z]{2,}[0-9][A-Za-z0-9_-]{0,17}|[A-Z][A-Z0-9_-]{3,19})(?![\w@-])")
REPLY_WORDS = 4


def codes_in_reply(text: str) -> list[str]:
    """Codes in a short answer to "which code are you trying?" (no "code" word needed there)."""
    if len(text.split()) > REPLY_WORDS:
        return []
    return [match.upper() for match in _BARE_CODE.findall(text)]


def codes_remember(turn: Turn) -> list[str]:
    """The codes named in this message, added to those named earlier in the topic (typed order kept).

    Called for a message understood as about promotion codes only."""
    known = list(turn.conversation.step.get("codes") or [])
    named = (
        [str(e.value) for e in turn.understanding.entities if e.type == "promo_code"]
        if turn.understanding
        else []
    )
    if not named and turn.conversation.step.get("awaiting_codes"):
        named = codes_in_reply(turn.text or "")
    if not named:
        # The message is about codes: a code needs no "code" word beside it ("can I combine SPRING10 and
        # FREESHIP?"), but it must look like one (letters then digits, or a word in capitals).
        named = [m.upper() for m in _BARE_CODE.findall(turn.text or "") if m.upper() not in NOT_CODES]
    # An order number is never a code (it is often typed right after one).
    entities = turn.understanding.entities if turn.understanding else []
    numbers = {str(e.text).upper() for e in entities if e.type in ("order_number", "email")}
    for code in named:
        if code not in known and code.upper() not in numbers:
            known.append(code)
    known = known[:CODES_KEPT]
    if known:
        turn.conversation.step = {**turn.conversation.step, "codes": known, "awaiting_codes": False}
    return known


def check_page_url(codes: list[str]) -> str:
    return f"{reverse('promotions:check')}?{urlencode([('codes', code) for code in codes])}"


def codes_question(turn: Turn, codes: list[str]) -> None:
    """Before the order is verified: which code, and where a cart not yet ordered can be checked."""
    if not codes:
        turn.answer.say("Which code are you trying? Type it as you entered it at checkout.")
        turn.conversation.step = {**turn.conversation.step, "awaiting_codes": True}
        return
    url = check_page_url(codes)
    turn.answer.say(
        f"For a cart you haven't ordered yet, the code check tells you why, item by item: {url}", url=url
    )


def promotions_flow(turn: Turn, order: Order, intent: str) -> None:
    """Each code checked against the order's items and destination; the best combination for stacking."""
    codes = list(turn.conversation.step.get("codes") or [])
    if not codes:
        turn.answer.say(
            "Which code are you trying? Type it as you entered it, and I'll check it on this order."
        )
        turn.conversation.step = {**turn.conversation.step, "awaiting_codes": True}
        return
    items = [
        (line.sku, line.quantity - line.quantity_cancelled)
        for line in order.lines.all()
        if line.quantity > line.quantity_cancelled
    ]
    if not items:
        turn.answer.say(f"Order {order.number} has no items left to check a code against.")
        return
    try:
        checked = promo_check(
            codes=codes,
            items=items,
            country=order.shipping_address.country,
            email=order.email,
            access=access_get(turn.conversation),
        )
    except DomainError as error:
        turn.answer.say(error.message, code=error.code)
        return
    for verdict in checked.result.codes:
        turn.answer.say(verdict.message, code=verdict.code, reason_code=verdict.reason_code)
    best = checked.result.best_combination
    if intent == "coupon_stacking" or len(codes) > 1:
        if best:
            together = " and ".join(best)
            saving = checked.money(checked.result.saving)["display"]
            turn.answer.say(f"The best combination for order {order.number}: {together}, saving {saving}.")
        else:
            turn.answer.say("None of these codes can be used on this order.")
    url = check_page_url(codes)
    turn.answer.say(f"You can try other codes or another cart on the code check: {url}", url=url)
    turn.conversation.step = {**turn.conversation.step, "awaiting_codes": False}
    turn.tried(f"{intent}: checked {', '.join(codes)} against order {order.number}")
