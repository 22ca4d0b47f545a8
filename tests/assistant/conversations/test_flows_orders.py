"""Scripted conversations for the self-service flows, on the order-state fixtures of tests/situations.py."""

from __future__ import annotations

import re

import pytest

from shopdesk.assistant.conversations.flows.addresses import address_from_line
from shopdesk.assistant.conversations.models import Conversation
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import EmailChangeRequest, Order
from shopdesk.shipping.models import Case
from tests.assistant.conversations.conftest import Chat

pytestmark = pytest.mark.django_db


def identify(chat: Chat, order: Order) -> dict:
    return chat.say(f"it's {order.number}, {order.email}")


def test_track_order_asks_verifies_then_shows_each_package_and_the_other_one(
    chat: Chat, order_with_split_shipment: Order
) -> None:
    order = order_with_split_shipment
    chat.say("where is my order?")
    assert chat.last["intent"] == "track_order"
    assert chat.types() == ["article", "text"]
    assert chat.reply("article")["data"]["url"] == "/help/articles/where-is-my-order/"
    assert "order number" in chat.text

    identify(chat, order)
    assert chat.types() == ["text", "order", "timeline", "timeline"]
    assert chat.reply("order")["data"]["url"] == f"/orders/{order.number}/"
    first, second = order.shipments.order_by("id")
    assert chat.payloads() == [f"package:{first.pk}", f"package:{second.pk}"]

    chat.say("and the other package?")
    timelines = [r for r in chat.last["replies"] if r["type"] == "timeline"]
    assert [t["data"]["package"] for t in timelines] == [second.pk]
    assert "Package 2 of 2" in timelines[0]["text"]

    chat.press(f"package:{first.pk}")
    assert [r["data"]["package"] for r in chat.last["replies"] if r["type"] == "timeline"] == [first.pk]


def test_track_order_typo_variant(chat: Chat, order_in_transit: Order) -> None:
    chat.say(f"where is my pakage {order_in_transit.number} {order_in_transit.email}")
    assert chat.last["intent"] == "track_order"
    assert "timeline" in chat.types()


def test_split_shipment_lists_each_package_and_its_warehouse(
    chat: Chat, order_with_split_shipment: Order
) -> None:
    order = order_with_split_shipment
    chat.say(f"why was my order split into two packages? {order.number} {order.email}")
    assert chat.last["intent"] == "split_shipment"
    assert "Edison" in chat.text and "Venlo" in chat.text
    assert chat.last["replies"][-1]["data"]["diagnosis"]["topic"] == "split_shipment"


def test_shipping_time_gives_the_order_s_own_dates(chat: Chat, order_unfulfilled: Order) -> None:
    chat.say("how long does it take for my order to ship?")
    assert chat.last["intent"] == "shipping_time"
    assert chat.types()[0] == "article"  # the general answer first, before we know the order
    identify(chat, order_unfulfilled)
    assert "leaves our warehouse by" in chat.text


@pytest.mark.parametrize("wording", ["I want to cancel my order", "cancel my oder"])
def test_cancel_whole_order_previews_and_waits_for_yes(
    chat: Chat, order_unfulfilled: Order, wording: str
) -> None:
    order = order_unfulfilled
    chat.say(f"{wording} {order.number} {order.email}")
    assert chat.last["intent"] == "cancel_order"
    confirm = chat.reply("confirm")
    assert confirm["data"]["whole_order"] is True
    assert chat.payloads()[:2] == ["yes", "no"]
    order.refresh_from_db()
    assert order.lines.filter(quantity_cancelled__gt=0).count() == 0  # nothing happens before the yes

    chat.press("yes")
    assert order.lines.filter(quantity_cancelled=0).count() == 0
    assert f"/orders/{order.number}/" in chat.text


def test_cancel_it_refers_to_the_current_order(chat: Chat, order_unfulfilled: Order) -> None:
    identify(chat, order_unfulfilled)
    chat.say("where is my order?")
    chat.say("cancel it")
    assert chat.last["intent"] == "cancel_order"
    assert "confirm" in chat.types()
    chat.say("yes")
    assert order_unfulfilled.lines.filter(quantity_cancelled=0).count() == 0


def test_cancel_the_unshipped_item_of_a_partly_shipped_order(
    chat: Chat, order_partially_shipped: Order
) -> None:
    order = order_partially_shipped
    unshipped = order.lines.order_by("id").last()
    chat.say("where is my order?")
    identify(chat, order)
    chat.say("cancel the unshipped item")
    confirm = chat.reply("confirm")
    assert confirm["data"]["whole_order"] is False
    assert [item["name"] for item in confirm["data"]["items"]] == [unshipped.product_name]
    chat.say("yes")
    unshipped.refresh_from_db()
    assert unshipped.quantity_cancelled == unshipped.quantity
    assert order.lines.filter(quantity_cancelled__gt=0).count() == 1


@pytest.mark.parametrize(
    ("wording", "kind"),
    [("chnage my billing adress", "billing"), ("can I change the shipping address?", "shipping")],
)
def test_address_change_collects_fields_previews_and_changes_on_yes(
    chat: Chat, order_unfulfilled: Order, wording: str, kind: str
) -> None:
    order = order_unfulfilled
    chat.say(f"{wording} {order.number} {order.email}")
    assert "street address" in chat.text
    for answer in ["500 Market Street", "none", "San Francisco", "CA", "94105", "US"]:
        chat.say(answer)
    confirm = chat.reply("confirm")
    assert "500 Market Street" in " ".join(confirm["data"]["details"])
    assert getattr(order, f"{kind}_address").line1 != "500 Market Street"
    chat.press("yes")
    order.refresh_from_db()
    assert getattr(order, f"{kind}_address").line1 == "500 Market Street"
    assert getattr(order, f"{kind}_address").city == "San Francisco"


def test_an_address_typed_on_one_line_fills_every_field_and_goes_to_the_preview(
    chat: Chat, order_unfulfilled: Order
) -> None:
    order = order_unfulfilled
    chat.say(f"I need to change my shipping address {order.number} {order.email}")
    assert "street address" in chat.text
    chat.say("500 Market Street, Suite 3, San Francisco, CA 94105, USA")
    confirm = chat.reply("confirm")
    assert "500 Market Street" in " ".join(confirm["data"]["details"])
    chat.press("yes")
    address = Order.objects.get(pk=order.pk).shipping_address
    assert (
        address.line1,
        address.line2,
        address.city,
        address.region,
        address.postcode,
        address.country,
    ) == (
        "500 Market Street",
        "Suite 3",
        "San Francisco",
        "CA",
        "94105",
        "US",
    )


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("12 Rue de Rivoli, 75001 Paris, France", ("12 Rue de Rivoli", "", "Paris", "", "75001", "FR")),
        ("Damrak 1, 1012 LG Amsterdam, the Netherlands", ("Damrak 1", "", "Amsterdam", "", "1012 LG", "NL")),
        ("10 Downing St, London SW1A 2AA, UK", ("10 Downing St", "", "London", "", "SW1A 2AA", "GB")),
        ("350 5th Ave, New York NY 10118, US", ("350 5th Ave", "", "New York", "NY", "10118", "US")),
        ("1 Main St, Dublin, Ireland", ("1 Main St", "", "Dublin", "", "", "IE")),
    ],
)
def test_one_line_addresses_are_read_into_their_fields(line: str, fields: tuple[str, ...]) -> None:
    found = address_from_line(line)
    assert found is not None
    assert (
        tuple(found[name] for name in ("line1", "line2", "city", "region", "postcode", "country")) == fields
    )


@pytest.mark.parametrize(
    "line",
    [
        "500 Market Street",  # one field: the street, as asked
        "500 Market Street, San Francisco",  # no country at the end
        "12 Rue de Rivoli, Paris, France",  # no postcode where the post uses them
        "1 A St, Flat 2, Block C, Riverside, Springfield, 12345, US",  # parts left over
    ],
)
def test_a_line_that_isnt_clearly_a_whole_address_is_the_street_alone(line: str) -> None:
    assert address_from_line(line) is None


def test_address_change_asks_again_for_a_field_that_fails_the_checks(
    chat: Chat, order_unfulfilled: Order
) -> None:
    order = order_unfulfilled
    chat.say(f"change my shipping address {order.number} {order.email}")
    for answer in ["500 Market Street", "none", "San Francisco", "CA", "not a zip", "US"]:
        chat.say(answer)
    assert "confirm" not in chat.types()
    assert "postcode" in chat.last["replies"][-1]["text"].lower()
    chat.say("94105")
    assert "confirm" in chat.types()


def test_confirmation_email_missing_resends_after_yes(chat: Chat, order_unfulfilled: Order) -> None:
    order = order_unfulfilled
    chat.say(f"I never got a confirmation email for {order.number}, my email is {order.email}")
    assert chat.last["intent"] == "confirmation_email_missing"
    assert chat.reply("confirm")["data"]["action"] == "resend_confirmation"
    before = OutboxMessage.objects.count()
    chat.press("yes")
    assert OutboxMessage.objects.count() == before + 1


def test_the_right_address_given_after_the_emails_were_shown_changes_the_orders_email(
    chat: Chat, order_unfulfilled: Order
) -> None:
    order = order_unfulfilled
    chat.say(f"I never got a confirmation email for {order.number}, my email is {order.email}")
    chat.press("no")  # not the resend: the address itself was mistyped
    chat.say("it should be Right.Address@example.com")
    assert chat.last["intent"] == "confirmation_email_missing"
    confirm = chat.reply("confirm")
    assert confirm["data"]["action"] == "change_email" and "right.address@example.com" in confirm["text"]
    assert f"Your order's emails go to {order.email}." in chat.text
    assert not EmailChangeRequest.objects.filter(order=order).exists()  # nothing before the yes
    chat.press("yes")
    order.refresh_from_db()
    changed = order.email == "right.address@example.com"
    requested = EmailChangeRequest.objects.filter(order=order, new_email="right.address@example.com").exists()
    assert changed or requested  # at once, or once the new address opens its link (the policy says)
    chat.say("where is my order?")  # still verified: the order, not a lookup
    assert "order" in chat.types()


def test_another_address_before_any_order_is_a_lookup_as_before(chat: Chat, order_unfulfilled: Order) -> None:
    chat.say("I never got a confirmation email")
    chat.say(f"{order_unfulfilled.number} someone.else@example.com")
    assert "could not find an order" in chat.text and "confirm" not in chat.types()


def test_delivery_email_missing_resends_the_shipping_notice(chat: Chat, order_in_transit: Order) -> None:
    order = order_in_transit
    chat.say(f"I didn't get an email about my order delivery. {order.number} {order.email}")
    assert chat.last["intent"] == "delivery_email_missing"
    assert chat.reply("confirm")["data"]["action"] == "resend_shipping"
    before = OutboxMessage.objects.count()
    chat.say("yes")
    assert OutboxMessage.objects.count() == before + 1


@pytest.mark.parametrize(
    ("situation", "wording", "intent"),
    [
        ("order_with_stale_tracking", "my traking hasnt updated", "tracking_not_updated"),
        ("order_lost", "I still haven't received my package", "package_not_received"),
    ],
)
def test_package_diagnosis_then_a_case_on_yes(
    chat: Chat, request: pytest.FixtureRequest, situation: str, wording: str, intent: str
) -> None:
    order = request.getfixturevalue(situation)
    chat.say(f"{wording}. {order.number} {order.email}")
    assert chat.last["intent"] == intent
    assert chat.last["replies"][1]["data"]["diagnosis"]["topic"] == intent
    assert chat.reply("confirm")["data"]["action"] == "open_case"
    assert not Case.objects.filter(order=order).exists()
    chat.press("yes")
    assert Case.objects.filter(order=order).count() == 1
    assert "case" in chat.text.lower()


@pytest.mark.parametrize(
    ("wording", "topic"),
    [
        ("where are your products shipped from?", "ships_from"),
        ("are there any extra fees for shipping?", "shipping_fees"),
        ("do I have to pay customs duties?", "customs_duties"),
    ],
)
def test_order_questions_answered_from_the_order_view(
    chat: Chat, order_with_split_shipment: Order, wording: str, topic: str
) -> None:
    order = order_with_split_shipment
    chat.say(wording)
    assert chat.last["intent"] == topic
    assert chat.types()[0] == "article"
    identify(chat, order)
    diagnosis = chat.last["replies"][-1]["data"]["diagnosis"]
    assert diagnosis["topic"] == topic


def test_topic_switch_keeps_the_verified_order(chat: Chat, order_with_split_shipment: Order) -> None:
    order = order_with_split_shipment
    chat.say(f"where is my order {order.number} {order.email}")
    chat.say("what is your return policy?")
    assert chat.last["intent"] == "return_policy"
    assert chat.types()[0] == "article"
    chat.say("why did it come in two packages?")
    assert chat.last["intent"] == "split_shipment"
    assert "order number" not in chat.text  # not asked again


def test_start_over_forgets_the_order(chat: Chat, order_in_transit: Order) -> None:
    chat.say(f"where is my order {order_in_transit.number} {order_in_transit.email}")
    assert "timeline" in chat.types()
    chat.say("start over")
    chat.say("where is my order?")
    assert "timeline" not in chat.types()
    assert "order number" in chat.text


@pytest.mark.parametrize("locale", ["fr_FR", "fr_CA"])
def test_cancel_on_a_french_order_previews_and_confirms_the_same_amount(chat: Chat, locale: str) -> None:
    """The preview and the result write the refund the same way: the store's format, not the order's locale."""
    from shopdesk.policy.money import money_text
    from tests.situations import order_with_lines

    order = order_with_lines(2, locale=locale)
    amount = money_text(order.total, order.currency)
    assert amount == "$98.00"  # the store writes US dollars in English
    chat.say(f"I want to cancel my order {order.number} {order.email}")
    preview = chat.reply("confirm")
    assert amount in preview["text"] and amount in preview["data"]["preview"]
    chat.press("yes")
    assert order.lines.filter(quantity_cancelled=0).count() == 0
    assert amount in chat.text
    for written in (preview["text"], chat.text):
        assert "US" not in written and "98,00" not in written


def test_a_diagnosis_of_each_package_says_which_package_it_is(
    chat: Chat, order_with_split_shipment: Order
) -> None:
    order = order_with_split_shipment
    chat.say(f"my tracking number doesn't work {order.number} {order.email}")
    assert chat.last["intent"] == "tracking_invalid"
    diagnosed = [r for r in chat.last["replies"] if r["data"].get("diagnosis")]
    packages = [p.pk for p in order.shipments.order_by("id")]
    assert [r["data"]["diagnosis"]["shipment"] for r in diagnosed] == packages
    for position, reply in enumerate(diagnosed, start=1):
        said = re.fullmatch(rf"Package {position} of 2 \(([^)]+)\): (.+)", reply["text"])
        assert said is not None, reply["text"]
        assert said[2] == reply["data"]["diagnosis"]["message"]


def test_a_package_that_came_back_offers_its_options_and_hands_the_choice_over(
    chat: Chat, order_returned_to_sender: Order
) -> None:
    order = order_returned_to_sender
    chat.say(f"my package was sent back, please send it again {order.number} {order.email}")
    assert chat.last["intent"] == "package_returned"
    package = order.shipments.get()
    assert "came back to us" in chat.text  # the options and their price first, even when one was named
    assert chat.payloads()[:2] == [f"back:{package.pk}:reship", f"back:{package.pk}:refund"]
    assert not Conversation.objects.get(pk=chat.id).handed_over
    chat.say("yes please send it again")
    assert chat.last["intent"] == "package_returned"
    assert chat.payloads() == [f"back:{package.pk}:reship"]  # words alone act on nothing
    assert not Conversation.objects.get(pk=chat.id).handed_over
    chat.press(f"back:{package.pk}:reship")
    assert "Noted: send it again." in chat.text and "handoff" in chat.types()
    handed = Conversation.objects.get(pk=chat.id)
    assert handed.handed_over and handed.handoff["intent"] == "package_returned"
    assert any("chose 'Send it again'" in note for note in handed.handoff["tried"])


def test_a_returned_packages_option_can_be_pressed(chat: Chat, order_returned_to_sender: Order) -> None:
    order = order_returned_to_sender
    chat.say(f"why did my package come back? {order.number} {order.email}")
    package = order.shipments.get()
    chat.press(f"back:{package.pk}:refund")
    assert "Noted: refund me instead." in chat.text
    assert any(
        "chose 'Refund me instead'" in n for n in Conversation.objects.get(pk=chat.id).handoff["tried"]
    )
