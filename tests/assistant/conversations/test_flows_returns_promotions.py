"""Scripted conversations for returns, promotion codes and points, each with a typo variant and a
fragment read in the conversation's context."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shopdesk.assistant.conversations.models import Conversation
from shopdesk.orders.models import Order, OrderLine
from shopdesk.policy.money import money_text
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.selectors import return_as_dict
from shopdesk.shipping.enums import TrackingStatus
from tests.assistant.conversations.conftest import Chat
from tests.promotions.conftest import PromoShop
from tests.promotions.conftest import promo_shop as promo_shop
from tests.situations import order_with_lines, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered_shirt_and_final_sale_scarf(db: None) -> Order:
    """Two items delivered three days ago; the scarf was a final sale."""
    order = order_with_lines(2, placed_days_ago=8)
    ship(order, status=TrackingStatus.DELIVERED, shipped_days_ago=6, last_scan_days_ago=3)
    OrderLine.objects.filter(order=order, product_name="Wool scarf").update(return_flags=["final_sale"])
    return order


@pytest.fixture
def delivered_three_items(db: None) -> Order:
    order = order_with_lines(3, placed_days_ago=8)
    ship(order, status=TrackingStatus.DELIVERED, shipped_days_ago=6, last_scan_days_ago=3)
    return order


def identify(chat: Chat, order: Order) -> dict:
    return chat.say(f"{order.number} {order.email}")


def items(chat: Chat) -> dict[str, bool]:
    return {item["name"]: item["allowed"] for item in chat.reply("returns")["data"]["items"]}


# --- returns ----------------------------------------------------------------------------------------


def test_return_item_shows_each_item_asks_the_reason_and_starts_the_return_on_yes(
    chat: Chat, delivered_shirt_and_final_sale_scarf: Order
) -> None:
    order = delivered_shirt_and_final_sale_scarf
    chat.say("how do I return an item?")
    assert chat.last["intent"] == "return_item"
    assert chat.types()[0] == "article" and "email address you ordered with" in chat.text
    identify(chat, order)
    assert items(chat) == {"Linen shirt": True, "Wool scarf": False}
    assert "final" in chat.text.lower()
    assert "reason:too_small" in chat.payloads()  # the only returnable item is chosen; its reason is asked

    chat.press("reason:too_small")
    assert chat.types()[-2:] == ["refund", "confirm"]
    refund = chat.reply("refund")["data"]
    assert refund["lines"]
    assert all(line["amount"].startswith(("$", "-$")) for line in refund["lines"])
    assert refund["total"].startswith("$")  # the store's format, as every amount the shopper reads
    assert not ReturnRequest.objects.exists()  # nothing before the yes

    chat.say("yes")
    created = ReturnRequest.objects.get()
    assert created.order_id == order.pk
    assert [line.order_line.product_name for line in created.lines.all()] == ["Linen shirt"]
    assert f"/orders/{order.number}/" in chat.text


def test_return_typo_variant_with_the_reason_in_the_same_message(
    chat: Chat, delivered_shirt_and_final_sale_scarf: Order
) -> None:
    order = delivered_shirt_and_final_sale_scarf
    chat.say(f"i wnat to retrun my shirt, its to small. {order.number} {order.email}")
    assert chat.last["intent"] == "return_item"
    assert "confirm" in chat.types()
    assert chat.reply("confirm")["data"]["action"] == "return_start"


@pytest.mark.parametrize(
    ("fragment", "then"), [("to small", None), ("it's the wrong size", "reason:too_big")]
)
def test_return_reason_given_as_a_fragment_in_context(
    chat: Chat, delivered_three_items: Order, fragment: str, then: str | None
) -> None:
    order = delivered_three_items
    chat.say(f"I'd like to return something {order.number} {order.email}")
    assert chat.last["intent"] == "return_item"
    assert chat.reply("choices")["text"] == "Which item would you like to send back?"
    scarf = order.lines.get(product_name="Wool scarf")
    chat.press(f"ret:{scarf.pk}")
    assert "Why are you sending it back?" in chat.text
    chat.say(fragment)
    if then is not None:
        assert "Too small or too big?" in chat.text
        chat.press(then)
    assert chat.last["intent"] == "return_item"
    assert chat.reply("confirm")["data"]["action"] == "return_start"


def test_correction_names_another_item_after_the_preview(chat: Chat, delivered_three_items: Order) -> None:
    order = delivered_three_items
    chat.say(f"I want to return an item {order.number} {order.email}")
    shirt = order.lines.get(product_name="Linen shirt")
    chat.press(f"ret:{shirt.pk}")
    chat.press("reason:changed_mind")
    assert "confirm" in chat.types()
    chat.say("no, the tote")
    confirm = chat.reply("confirm")
    assert confirm["data"]["action"] == "return_start"
    chat.say("yes")
    returned = ReturnRequest.objects.get().lines.get()
    assert returned.order_line.product_name == "Canvas tote"
    assert returned.reason == "changed_mind"


def test_non_returnable_says_per_item_why_and_offers_to_start(
    chat: Chat, delivered_shirt_and_final_sale_scarf: Order
) -> None:
    order = delivered_shirt_and_final_sale_scarf
    chat.say("which items cannot be returned?")
    assert chat.last["intent"] == "non_returnable"
    identify(chat, order)
    assert items(chat) == {"Linen shirt": True, "Wool scarf": False}
    assert "intent:return_item" in chat.payloads()
    assert not ReturnRequest.objects.exists()


def test_items_returnable_only_if_faulty_hand_over_to_a_person_who_decides(
    chat: Chat, delivered_three_items: Order
) -> None:
    from shopdesk.assistant.conversations.models import Conversation, HandoffReason
    from shopdesk.desk.models import Ticket

    order = delivered_three_items
    order.lines.update(return_flags=["hygiene"])  # the policy takes these back only when faulty
    chat.say(f"can I return an item? {order.number} {order.email}")
    assert chat.last["intent"] == "return_item"
    assert set(items(chat).values()) == {False}
    assert "only be returned if they arrived faulty" in chat.text
    assert "handoff" in chat.types() and "confirm" not in chat.types()
    assert Ticket.objects.get().order == order
    assert Conversation.objects.get(pk=chat.id).handoff_reason == HandoffReason.NEEDS_APPROVAL
    assert not ReturnRequest.objects.exists()


def test_nothing_delivered_yet_no_return(chat: Chat, order_unfulfilled: Order) -> None:
    chat.say(f"return my order {order_unfulfilled.number} {order_unfulfilled.email}")
    assert chat.last["intent"] == "return_item"
    assert "confirm" not in chat.types()
    assert not ReturnRequest.objects.exists()


# --- promotion codes --------------------------------------------------------------------------------


@pytest.fixture
def tee_order(promo_shop: PromoShop) -> Order:
    """An order of two $30 tees, shipping to the US."""
    order = order_with_lines(1)
    order.lines.update(sku="TEE-30", quantity=2, product_name="Linen tee")
    return order


def test_promo_code_problem_checks_the_code_on_the_order(chat: Chat, tee_order: Order) -> None:
    chat.say("my promo code TAKE20 isn't working")
    assert chat.last["intent"] == "promo_code_problem"
    assert "/promotions/check/?codes=TAKE20" in chat.text  # a cart not yet ordered: the check page
    identify(chat, tee_order)
    assert "TAKE20 needs a subtotal" in chat.text
    assert any(r["data"].get("reason_code") == "minimum_not_met" for r in chat.last["replies"])


def test_promo_code_typo_variant(chat: Chat, tee_order: Order) -> None:
    chat.say(f"promo cod SAVE15 dosnt work {tee_order.number} {tee_order.email}")
    assert chat.last["intent"] == "promo_code_problem"
    assert any(r["data"].get("reason_code") == "applied" for r in chat.last["replies"])


def test_promo_code_given_as_a_fragment_after_the_question(chat: Chat, tee_order: Order) -> None:
    chat.say("my discount code doesn't work")
    assert "Which code are you trying?" in chat.text
    chat.say("SUMMER30")
    assert chat.last["intent"] == "promo_code_problem"
    identify(chat, tee_order)
    assert any(r["data"].get("reason_code") == "expired" for r in chat.last["replies"])


def test_coupon_stacking_gives_the_best_combination(chat: Chat, tee_order: Order) -> None:
    identify(chat, tee_order)
    chat.say("can I use the codes SAVE15 and FREESHIP together?")
    assert chat.last["intent"] == "coupon_stacking"
    assert "best combination" in chat.text


def test_codes_named_without_the_word_code_are_checked_together(chat: Chat, tee_order: Order) -> None:
    identify(chat, tee_order)
    chat.say("can I combine save15 and FREESHIP on this order?")
    assert chat.last["intent"] == "coupon_stacking"
    assert "Which code" not in chat.text
    assert Conversation.objects.get(pk=chat.id).step["codes"] == ["SAVE15", "FREESHIP"]
    assert "best combination" in chat.text


# --- points -----------------------------------------------------------------------------------------


def test_pay_with_points_gives_the_balance_once_verified(chat: Chat, order_unfulfilled: Order) -> None:
    from shopdesk.loyalty.models import PointsEntry, PointsEntryKind

    PointsEntry.objects.create(
        customer=order_unfulfilled.customer,
        kind=PointsEntryKind.ADJUSTED,
        points=750,
        available_at=order_unfulfilled.placed_at,
        created_at=order_unfulfilled.placed_at,
    )
    chat.say("how do i pay with my points?")
    assert chat.last["intent"] == "pay_with_points"
    assert "750" not in chat.text  # no account data before verification
    identify(chat, order_unfulfilled)
    assert "You have 750" in chat.text


def _points_spent_and_earned(order: Order) -> None:
    from shopdesk.loyalty.models import PointsEntry, PointsEntryKind

    for kind, points, available in (
        (PointsEntryKind.SPENT, -1500, order.placed_at),
        (PointsEntryKind.EARNED, 121, order.placed_at + dt.timedelta(days=40)),
    ):
        PointsEntry.objects.create(
            customer=order.customer,
            order=order,
            kind=kind,
            points=points,
            available_at=available,
            created_at=order.placed_at,
        )


def test_points_refund_timing_gives_the_rules_then_the_orders_entries(
    chat: Chat, order_unfulfilled: Order
) -> None:
    _points_spent_and_earned(order_unfulfilled)
    chat.say("when do I get my points back?")
    assert chat.last["intent"] == "points_refund_timing"
    assert chat.types().count("article") == 1 and "1,500" not in chat.text  # nothing of the account yet
    identify(chat, order_unfulfilled)
    assert "article" not in chat.types()  # the rules were just given
    lines = chat.text.splitlines()
    spent = next(line for line in lines if "1,500 points" in line)
    assert spent.startswith("Spent on an order: 1,500 points (") and "available" not in spent
    assert any(line.startswith("Earned on an order: +121 points (available ") for line in lines)


def test_points_refund_timing_asked_once_verified_gives_the_rules_with_the_entries(
    chat: Chat, order_unfulfilled: Order
) -> None:
    _points_spent_and_earned(order_unfulfilled)
    identify(chat, order_unfulfilled)
    chat.say("how long until my points come back if I cancel this?")
    assert chat.last["intent"] == "points_refund_timing"
    assert chat.types().count("article") == 1
    assert "Spent on an order: 1,500 points" in chat.text


# --- several orders, corrections -------------------------------------------------------------------


def test_not_that_order_the_other_one_switches_between_verified_orders(
    chat: Chat, order_in_transit: Order
) -> None:
    first = order_in_transit
    second = order_with_lines(1, email=first.email, customer=first.customer)
    third = order_with_lines(1, email=first.email, customer=first.customer)
    chat.say(f"where is my order {first.number} {first.email}")
    assert chat.reply("order")["data"]["number"] == first.number
    chat.say("not that order, the other one")
    assert "Which order do you mean?" in chat.text and first.email in chat.text
    chat.say(second.number)
    assert chat.reply("order")["data"]["number"] == second.number
    chat.say("no, the other order")
    assert chat.reply("order")["data"]["number"] == first.number
    chat.say(f"where is {third.number}")
    chat.say("the other order")
    assert chat.reply("choices")["text"] == "Which order do you mean?"
    assert chat.payloads() == [f"order:{first.number}", f"order:{second.number}"]
    chat.press(f"order:{second.number}")
    assert chat.reply("order")["data"]["number"] == second.number


def test_start_over_forgets_orders_verified_before(chat: Chat, order_in_transit: Order) -> None:
    chat.say(f"where is my order {order_in_transit.number} {order_in_transit.email}")
    chat.say("start over")
    chat.say("where is my order?")
    assert "order" not in chat.types()
    assert "email address you ordered with" in chat.text


@pytest.mark.parametrize("wording", ["have you recieved my returned items?", "when do i get my refund"])
def test_return_status_after_starting_one(
    chat: Chat, delivered_shirt_and_final_sale_scarf: Order, wording: str
) -> None:
    order = delivered_shirt_and_final_sale_scarf
    chat.say(f"I want to return my shirt, too big {order.number} {order.email}")
    chat.say("yes")
    rma = ReturnRequest.objects.get().rma
    chat.say(wording)
    assert chat.last["intent"] in ("return_received", "refund_timing")
    status = chat.reply("returns")
    assert status["data"]["rma"] == rma and "Linen shirt" in status["text"]


def test_refund_timing_gives_the_returns_estimate_as_money(
    chat: Chat, delivered_shirt_and_final_sale_scarf: Order
) -> None:
    order = delivered_shirt_and_final_sale_scarf
    chat.say(f"I want to return my shirt, too big {order.number} {order.email}")
    chat.say("yes")
    estimate = Decimal(return_as_dict(ReturnRequest.objects.get())["refund_estimate"]["total"])
    assert estimate > 0
    chat.say("when will I get the refund for my return?")
    assert chat.last["intent"] == "refund_timing"
    text = chat.reply("returns")["text"]
    assert f"Its refund was estimated at {money_text(estimate, order.currency)} when it was created." in text
    assert order.currency not in text  # "$45.00", not "45.00 USD"


def test_return_status_without_a_return(chat: Chat, order_delivered: Order) -> None:
    chat.say(f"have you received my return? {order_delivered.number} {order_delivered.email}")
    assert chat.last["intent"] == "return_received"
    assert "has no return yet" in chat.text
    assert "intent:return_item" in chat.payloads()


def test_the_balance_says_when_its_first_points_expire(chat: Chat, order_unfulfilled: Order) -> None:
    from shopdesk.loyalty.models import PointsEntry, PointsEntryKind
    from shopdesk.loyalty.selectors import points_day

    expires = order_unfulfilled.placed_at + dt.timedelta(days=200)
    for points, ends in ((300, expires), (450, expires + dt.timedelta(days=30))):
        PointsEntry.objects.create(
            customer=order_unfulfilled.customer,
            kind=PointsEntryKind.ADJUSTED,
            points=points,
            available_at=order_unfulfilled.placed_at,
            created_at=order_unfulfilled.placed_at,
            settled_at=order_unfulfilled.placed_at,
            expires_at=ends,
        )
    chat.say(f"how many points do i have {order_unfulfilled.number} {order_unfulfilled.email}")
    assert "You have 750" in chat.text
    assert f"300 of them expire on {points_day(expires)} if you don't use them by then." in chat.text
