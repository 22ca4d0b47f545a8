"""The chat widget when things go wrong, in headless Chromium on a phone-sized screen: the question of a
preview stays in view above its buttons; a message that didn't get through (no network, 429) comes back
to the box; a button answered meanwhile in another tab shows the conversation as it now stands and changes
nothing; a message cut at the length limit says so; an order number and email alone show the order."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shopdesk.assistant.conversations.models import Conversation
from shopdesk.assistant.nlu.classifier import IntentModel
from shopdesk.desk.models import Ticket
from shopdesk.orders.models import Order
from shopdesk.shipping.enums import TrackingStatus
from tests.assistant.conversations.test_widget_browser import SHOTS, csp_watch, say
from tests.situations import order_with_lines, ship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOX = "Message for the assistant"


def last_message_in_view(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate(
            "(() => { const log = document.getElementById('chat-log');"
            " return log.scrollTop + log.clientHeight >= log.scrollHeight - 2; })()"
        )
    )


def test_failures_keep_the_message_and_a_stale_button_changes_nothing(
    page, intent_model: IntentModel
) -> None:  # type: ignore[no-untyped-def]
    order = order_with_lines(2)
    errors = csp_watch(page)
    page.set_default_timeout(30_000)  # the first turn loads the model in the live server
    page.goto("/help/")
    page.get_by_role("button", name="Chat with us").click()

    # The number and email alone: the order and what can be done with it, not a hand-off.
    say(page, f"{order.number} {order.email}")
    assert page.locator(".chat-order").count() == 1 and page.locator(".chat-handoff").count() == 0
    assert not Ticket.objects.filter(customer_email=order.email).exists()
    before = page.locator(".chat-msg-assistant").count()
    page.get_by_role("group", name="Suggested answers").get_by_role("button", name="Cancel items").click()
    page.locator(".chat-msg-assistant").nth(before).wait_for()
    page.locator(".chat-confirm").wait_for()
    assert last_message_in_view(page)  # the buttons took room: the preview's question is still in view
    page.screenshot(path=SHOTS / "assistant-widget-confirm-in-view.png")

    # The same conversation in another tab says no; the yes left on this page is stale.
    conversation_id = page.evaluate("sessionStorage.getItem('shopdesk.chat.id')")
    other = page.context.new_page()
    other.goto("/help/")
    other.evaluate(
        f"sessionStorage.setItem('shopdesk.chat.id', '{conversation_id}');"
        "sessionStorage.setItem('shopdesk.chat.open', '1')"
    )
    other.reload()
    other.locator(".chat-confirm").wait_for()
    say(other, "no")
    other.close()
    page.get_by_role("group", name="Suggested answers").get_by_role("button", name="Yes").click()
    page.locator(".chat-notice", has_text="not offered any more").wait_for()
    assert "I haven't changed anything" in page.locator(".chat-msg-assistant").last.inner_text()
    assert not Order.objects.get(pk=order.pk).is_cancelled
    assert not order.lines.filter(quantity_cancelled__gt=0).exists()
    assert page.locator(".chat-msg-customer", has_text="Yes").count() == 0

    # No network: the message is back in the box, not shown as sent; Enter sends it again.
    page.route("**/messages", lambda route: route.abort())
    box = page.get_by_label(BOX)
    box.fill("where is my order")
    box.press("Enter")
    page.locator(".chat-notice", has_text="couldn't reach").wait_for()
    assert box.input_value() == "where is my order"
    assert page.locator(".chat-msg-customer", has_text="where is my order").count() == 0
    page.unroute("**/messages")
    say(page, box.input_value())
    assert page.locator(".chat-msg-customer", has_text="where is my order").count() == 1

    # Too many messages: the wait the server asks for, and the message kept.
    page.route(
        "**/messages",
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "37", "Content-Type": "application/json"},
            body='{"error": {"code": "rate_limited", "message": "Too many messages."}}',
        ),
    )
    box.fill("hello again")
    box.press("Enter")
    page.locator(".chat-notice", has_text="wait 37 seconds").wait_for()
    assert box.input_value() == "hello again"
    page.unroute("**/messages")

    # The schema's refusal (a message past the limit sent by other means) in the shopper's words.
    page.route(
        "**/messages",
        lambda route: route.fulfill(
            status=422,
            headers={"Content-Type": "application/json"},
            body='{"error": {"code": "invalid_input", "message": "Some fields are not valid.", "fields": []}}',
        ),
    )
    box.press("Enter")
    page.locator(".chat-notice", has_text="a message is 1 to 2,000 characters").wait_for()
    assert box.input_value() == "hello again"
    page.unroute("**/messages")

    # Pasted past the limit: the box keeps 2,000 characters and says the rest was cut.
    box.fill("x" * 2100)
    hint = page.locator("#chat-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("2,000")
    assert box.input_value() == "x" * 2000
    assert box.get_attribute("aria-describedby") == "chat-hint"
    box.fill("")
    page.screenshot(path=SHOTS / "assistant-widget-failures.png")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_the_returns_card_says_each_item_once(page, intent_model: IntentModel) -> None:  # type: ignore[no-untyped-def]
    order = order_with_lines(2, placed_days_ago=8)
    ship(order, status=TrackingStatus.DELIVERED, shipped_days_ago=6)
    page.set_default_timeout(30_000)
    page.goto("/help/")
    page.get_by_role("button", name="Chat with us").click()
    say(page, f"I want to return an item {order.number} {order.email}")
    card = page.locator(".chat-returns").first
    card.wait_for()
    text = card.inner_text()
    assert f"What can be returned from order {order.number}" in text
    for line in order.lines.all():
        listed = card.locator("li", has_text=line.product_name).inner_text()
        assert text.count(line.product_name) == listed.count(line.product_name) >= 1, text


def test_an_answer_taller_than_the_log_is_shown_from_its_start(page, intent_model: IntentModel) -> None:  # type: ignore[no-untyped-def]
    order = order_with_lines(3, placed_days_ago=4)
    for line in order.lines.all():
        ship(order, lines=[line], shipped_days_ago=2)
    page.set_viewport_size({"width": 390, "height": 560})
    page.set_default_timeout(30_000)
    page.goto("/help/")
    page.get_by_role("button", name="Chat with us").click()
    say(page, f"where is my order {order.number} {order.email}")
    page.locator(".chat-timeline").nth(2).wait_for()
    answer = page.locator(".chat-msg-assistant").last
    log = page.locator("#chat-log")
    answer_box, log_box = answer.bounding_box(), log.bounding_box()
    assert answer_box is not None and log_box is not None
    assert answer_box["height"] > log_box["height"]  # the three packages don't fit
    assert log_box["y"] <= answer_box["y"] <= log_box["y"] + 20  # its first line is at the top of the log
    page.screenshot(path=SHOTS / "assistant-widget-tall-answer.png")


def test_a_conversation_that_is_gone_starts_a_new_one_and_says_so(page, intent_model: IntentModel) -> None:  # type: ignore[no-untyped-def]
    page.set_default_timeout(30_000)
    page.goto("/help/")
    page.get_by_role("button", name="Chat with us").click()
    say(page, "hello")
    first = page.evaluate("sessionStorage.getItem('shopdesk.chat.id')")
    Conversation.objects.filter(pk=first).delete()  # gone on the server while the page is open

    # A button of the old conversation isn't sent to a new one.
    page.get_by_role("group", name="Suggested answers").get_by_role("button", name="Talk to a person").click()
    page.locator(".chat-notice", has_text="has ended").wait_for()
    assert not Conversation.objects.exists()

    # The next message starts a new conversation (said once already).
    say(page, "where is my order")
    assert page.locator(".chat-notice", has_text="has ended").count() == 1
    second = page.evaluate("sessionStorage.getItem('shopdesk.chat.id')")
    assert second and second != first and Conversation.objects.filter(pk=second).exists()

    # Gone again: a message is sent to a new conversation, with a word about it.
    Conversation.objects.filter(pk=second).delete()
    say(page, "where is my order")
    assert page.locator(".chat-notice", has_text="has ended").count() == 2
    third = page.evaluate("sessionStorage.getItem('shopdesk.chat.id')")
    assert third not in (first, second) and Conversation.objects.filter(pk=third).exists()
