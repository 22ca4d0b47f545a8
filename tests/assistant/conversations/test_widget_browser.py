"""The chat widget in headless Chromium, on a phone-sized screen: the shopper tracks an order, cancels the
unshipped item, asks for a person, and reads the agent's answer in the chat; with the keyboard only; after
a reload; and without JavaScript."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from shopdesk.assistant.conversations.models import Conversation
from shopdesk.assistant.nlu.classifier import IntentModel
from shopdesk.desk.enums import TicketChannel
from shopdesk.desk.models import Ticket
from shopdesk.desk.services.agents import agent_add
from shopdesk.desk.services.messages import ticket_reply
from shopdesk.orders.models import Order
from tests.situations import order_with_lines, ship

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir())  # screenshots to look at, never kept in the repository


def csp_watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Console errors the page logs (a blocked script or style would show here)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def say(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the chat and send with Enter; wait until the answer arrived."""
    before = page.locator(".chat-msg-assistant").count()
    page.get_by_label("Message for the assistant").fill(text)
    page.get_by_label("Message for the assistant").press("Enter")
    page.locator(".chat-msg-assistant").nth(before).wait_for()


def press(page, name: str) -> None:  # type: ignore[no-untyped-def]
    before = page.locator(".chat-msg-assistant").count()
    page.get_by_role("group", name="Suggested answers").get_by_role("button", name=re.compile(name)).click()
    page.locator(".chat-msg-assistant").nth(before).wait_for()


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("#chat-panel").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_track_cancel_the_unshipped_item_then_a_person_answers_in_the_chat(
    page, intent_model: IntentModel
) -> None:  # type: ignore[no-untyped-def]
    order = order_with_lines(3, placed_days_ago=2)
    lines = list(order.lines.order_by("id"))
    ship(order, lines=lines[:2], shipped_days_ago=1)
    unshipped = lines[2]
    errors = csp_watch(page)
    page.set_default_timeout(
        30_000
    )  # the first turn loads the model in the live server; a busy machine is slow
    page.clock.install()

    page.goto("/help/")
    page.get_by_role("button", name="Chat with us").click()
    launcher = page.locator(
        "button.chat-launch"
    )  # on a phone the open dialog covers it (it has a close button)
    dialog = page.get_by_role("dialog", name="Chat with us")
    expect(dialog).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#chat-input")).to_be_focused()
    assert page.get_by_role("log").get_attribute("aria-live") == "polite"
    no_sideways_scroll(page)

    say(page, "where is my order")
    assert page.locator(".chat-article a").first.get_attribute("href") == "/help/articles/where-is-my-order/"
    say(page, f"{order.number} {order.email}")
    timeline = page.locator(".chat-timeline").first
    timeline.wait_for()
    assert "Package 1 of 1" in timeline.inner_text()
    assert page.locator(".chat-timeline .chat-events li").count() >= 1
    assert page.locator(".chat-order a").first.get_attribute("href") == f"/orders/{order.number}/"
    page.screenshot(path=SHOTS / "assistant-widget-timeline.png")

    say(page, "cancel the unshipped item")
    confirm = page.locator(".chat-confirm").last
    assert unshipped.product_name in confirm.inner_text()
    # The preview reads before the items it speaks of, the question after them.
    expect(confirm.locator(".chat-confirm-preview")).to_contain_text("You're about to cancel 1 item.")
    expect(confirm.locator(".chat-confirm-question")).to_have_text("Shall I go ahead?")
    unshipped.refresh_from_db()
    assert unshipped.quantity_cancelled == 0  # nothing changes before the yes
    page.screenshot(path=SHOTS / "assistant-widget-confirm.png")
    press(page, "^Yes")
    unshipped.refresh_from_db()
    assert unshipped.quantity_cancelled == unshipped.quantity
    assert Order.objects.get(pk=order.pk).lines.filter(quantity_cancelled__gt=0).count() == 1

    # The order page agrees (the shopper opens it from the chat's link and looks the order up).
    page.locator(".chat-msg-assistant").last.get_by_role("link", name=f"/orders/{order.number}/").click()
    # The next page is the lookup or the order itself: wait for one, the help page may still be showing.
    lookup = page.get_by_role("button", name="Show my order")
    lookup.or_(page.get_by_role("heading", name=f"Order {order.number}")).wait_for()
    if lookup.count():
        page.get_by_role("textbox", name="Order number").fill(order.number)
        page.get_by_role("textbox", name=re.compile("^Email")).fill(order.email)
        page.get_by_role("button", name="Show my order").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    assert "1 cancelled" in page.locator("main").inner_text()

    # A new page: the chat opens on the conversation so far, fetched again.
    assert not page.get_by_role("dialog", name="Chat with us").is_visible()  # the page is not covered
    page.get_by_role("button", name="Chat with us").click()
    page.locator(".chat-confirm").last.wait_for()
    assert page.locator(".chat-timeline").count() == 1
    assert page.locator(".chat-msg-customer").first.inner_text().endswith("where is my order")

    say(page, "talk to a person")
    handoff = page.locator(".chat-handoff").last
    ticket = Ticket.objects.get(channel=TicketChannel.CHAT, customer_email=order.email)
    assert ticket.reference in handoff.inner_text()
    body = ticket.messages.order_by("id").first().body  # type: ignore[union-attr]
    assert "Customer: where is my order" in body and "Customer: cancel the unshipped item" in body
    page.screenshot(path=SHOTS / "assistant-widget-handoff.png")

    # The agent answers on the desk; the open chat shows it on its next poll.
    agent = agent_add(email="ana@desk.example", role="agent", name="Ana Agent").user
    ticket_reply(ticket=ticket, author=agent, body="Hello, the refund for the cancelled item is on its way.")
    assert page.locator(".chat-msg-agent").count() == 0
    page.clock.fast_forward(11_000)
    agent_reply = page.locator(".chat-msg-agent")
    agent_reply.wait_for()
    assert "refund for the cancelled item" in agent_reply.inner_text()
    assert "Ana" in agent_reply.inner_text()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_keyboard_only_open_answer_press_and_escape(page, intent_model: IntentModel) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-controls')") == "chat-panel":
            break
    else:
        pytest.fail("the chat button is not reachable with Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "chat-input"
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    page.locator(".chat-msg-assistant").first.wait_for()
    # The suggested answers come before the message box: Shift+Tab reaches them.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent") == "Talk to a person"
    page.keyboard.press("Enter")
    page.locator(".chat-handoff").wait_for()
    assert "email address" in page.locator(".chat-handoff").inner_text()
    page.keyboard.press("Escape")
    assert not page.locator("#chat-panel").is_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "chat-panel"
    conversation = Conversation.objects.get()
    assert conversation.handed_over


def test_reload_keeps_the_conversation_and_text_stays_text(page, intent_model: IntentModel) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/help/")
    page.get_by_role("button", name="Chat with us").click()
    say(page, "<img src=x onerror=alert(1)> hi")
    conversation_id = page.evaluate("sessionStorage.getItem('shopdesk.chat.id')")
    assert Conversation.objects.filter(pk=conversation_id).exists()
    page.reload()
    page.locator(".chat-msg-customer").first.wait_for()
    assert page.locator(".chat-msg-customer").first.inner_text().endswith("<img src=x onerror=alert(1)> hi")
    assert page.locator(".chat-log img").count() == 0
    assert page.locator(".chat-msg-assistant").count() == 1
    assert page.evaluate("sessionStorage.getItem('shopdesk.chat.id')") == conversation_id
    assert Conversation.objects.count() == 1


def test_without_javascript_the_page_links_to_the_contact_form(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    tab = context.new_page()
    tab.goto("/help/")
    fallback = tab.locator("#chat a")
    assert fallback.get_attribute("href") == "/contact/"
    assert tab.get_by_role("button", name="Chat with us").count() == 0
    context.close()
