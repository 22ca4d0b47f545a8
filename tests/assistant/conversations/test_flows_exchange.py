"""A return for an exchange on a demo order: the wish said before the order is verified is kept, the sizes
offered are the item's colour in bigger sizes when it was too small, and nothing changes before the yes."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from shopdesk.catalog.models import Variant
from shopdesk.orders.models import Order, OrderLine
from shopdesk.returns.eligibility import order_returnability
from shopdesk.returns.enums import ReturnResolution
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.resolutions import exchange_options
from tests.assistant.conversations.conftest import Chat, demo_orders

pytestmark = pytest.mark.django_db


def _exchangeable(rows: list[dict[str, Any]]) -> tuple[Order, OrderLine]:
    """A demo order with a returnable item of a product that has bigger sizes of its colour in stock."""
    for order in demo_orders(rows, "return_window_open"):
        for answer in order_returnability(order=order, now=timezone.now()):
            line = answer.line
            if not answer.eligibility.allowed or not line.colour:
                continue
            bigger = Variant.objects.filter(
                product__variants__pk=line.variant_id, colour=line.colour, pk__gt=line.variant_id, stock__gt=0
            )
            if bigger.exists():
                return order, line
    pytest.skip("no demo order with an item that has a bigger size in stock")


def _item_chosen(chat: Chat, line: OrderLine) -> None:
    """With several items that can go back, the flow asks which one first."""
    if f"ret:{line.pk}" in chat.payloads():
        chat.press(f"ret:{line.pk}")


def test_an_exchange_for_a_bigger_size_offers_sizes_then_previews_and_waits_for_a_yes(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order, line = _exchangeable(demo_store)
    before = ReturnRequest.objects.filter(order=order).count()
    chat.say("I'd like to exchange it for a bigger size")
    assert chat.last["intent"] == "return_item"
    chat.say(f"{order.number} {order.email}")
    _item_chosen(chat, line)
    choices = chat.reply("choices")
    assert "Which size" in choices["text"]
    offered = [
        p.removeprefix("exch:") for p in chat.payloads() if p.startswith("exch:") and p != "exch:refund"
    ]
    assert offered and "exch:refund" in chat.payloads()
    variants = {v.sku: v for v in Variant.objects.filter(sku__in=offered)}
    assert all(v.colour == line.colour and v.pk > line.variant_id and v.stock > 0 for v in variants.values())
    assert set(offered) <= {o.sku for o in exchange_options(line)}

    chat.press(f"exch:{offered[0]}")
    assert chat.types()[-1] == "confirm" and variants[offered[0]].size in chat.text
    assert ReturnRequest.objects.filter(order=order).count() == before  # nothing before the yes
    chat.say("yes")
    created = ReturnRequest.objects.filter(order=order).order_by("-id")
    assert created.count() == before + 1
    returned = created.first().lines.get()  # type: ignore[union-attr]
    assert returned.resolution == ReturnResolution.EXCHANGE and returned.exchange_sku == offered[0]
    assert returned.reason == "too_small"


def test_a_size_not_offered_is_refused(chat: Chat, demo_store: list[dict[str, Any]]) -> None:
    order, line = _exchangeable(demo_store)
    chat.say(f"I'd like to exchange an item for a bigger size: order {order.number}, {order.email}")
    _item_chosen(chat, line)
    assert "exch:refund" in chat.payloads()
    chat.press("exch:NOT-A-SKU", status=422)  # only the buttons offered are accepted
    chat.press("exch:refund")
    assert chat.types()[-1] == "confirm"
    assert "instead" not in chat.text
