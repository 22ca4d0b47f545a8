"""End to end in headless Chromium: a ticket from the contact form; the agent cancels the order with
the "cancel and reply" macro after its preview, a second agent sees her viewing, and the reply reaches a
loopback SMTP server through the outbox worker."""

from __future__ import annotations

import pytest

from shopdesk.desk.models import Ticket
from shopdesk.desk.services.agents import agent_add
from shopdesk.desk.services.macros import macro_save
from shopdesk.notifications.delivery import outbox_deliver
from shopdesk.orders.models import Order
from tests.desk.test_desk_browser import sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cancel_and_reply_macro_from_a_contact_form_ticket(
    page, browser, live_server, smtp_server, unfulfilled_order, agent, lead
) -> None:  # type: ignore[no-untyped-def]
    order = unfulfilled_order
    admin = agent_add(email="boss@desk.example", role="admin", name="Boss").user
    macro_save(
        author=admin,
        name="Cancel and confirm",
        body="Hi {{ customer.first_name }}, order {{ order.number }} is cancelled. {{ agent.first_name }}",
        action_id="cancel",
        action_params={"reason": "customer asked"},
        status_after="solved",
    )
    page.goto("/contact/")
    page.get_by_label("Your name").fill("Kim Shopper")
    page.get_by_label("Your email address").fill(order.email)
    page.get_by_label("What is it about?").select_option("change_order")
    page.get_by_label("Order number (if it's about an order)").fill(order.number)
    page.get_by_label("Your message").fill("Please cancel my order, I ordered twice.")
    page.get_by_role("button", name="Send").click()
    reference = page.locator("#ticket-reference").inner_text()
    assert Ticket.objects.get(reference=reference).order == order

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, agent)
    page.goto(f"/desk/tickets/{reference}/")

    other = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    leo = other.new_page()
    leo.set_default_timeout(10_000)
    sign_in(leo, lead)
    leo.goto(f"/desk/tickets/{reference}/")
    leo.locator("#presence").filter(has_text="Ana Agent is viewing").wait_for()
    other.close()

    page.get_by_label("Macro").select_option(label="Cancel and confirm (+ cancel)")
    page.get_by_role("button", name="Preview").click()
    page.locator("#macro-action-preview").wait_for()
    assert order.number in page.locator("#macro-action-preview").inner_text()
    body = page.get_by_label("Then this reply", exact=False)
    assert body.input_value() == f"Hi Kim, order {order.number} is cancelled. Ana"
    assert not Order.objects.get(pk=order.pk).is_cancelled  # the preview changed nothing
    page.screenshot(path="/tmp/desk-macro-preview.png")
    page.locator("#macro-send").click()
    page.get_by_text("Reply sent.").wait_for()
    assert page.locator("#ticket-status").inner_text() == "Solved"
    assert Order.objects.get(pk=order.pk).is_cancelled

    report = outbox_deliver(batch=20)
    assert report.retried == 0 and report.dead == 0
    replies = [
        m
        for m in smtp_server.received
        if m["To"] == order.email
        and f"[{reference}]" in str(m["Subject"])
        and str(m["Subject"]).startswith("Re:")
    ]
    assert len(replies) == 1
    text = next(part for part in replies[0].walk() if part.get_content_type() == "text/plain")
    assert f"order {order.number} is cancelled." in text.get_payload(decode=True).decode()
