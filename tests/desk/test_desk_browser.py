"""End to end in headless Chromium: a customer writes through the contact form on a phone, an agent
works the ticket with the keyboard while a second agent sees who is there, and the reply reaches a
loopback SMTP server through the outbox worker, threaded."""

from __future__ import annotations

import pytest

from shopdesk.desk.models import Ticket
from shopdesk.notifications.delivery import outbox_deliver
from tests.desk.conftest import PASSWORD


def sign_in(tab, user) -> None:  # type: ignore[no-untyped-def]
    tab.goto("/desk/")
    tab.get_by_label("Email").fill(user.username)
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url("**/desk/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_contact_form_to_agent_reply_by_email(
    page, browser, live_server, smtp_server, unfulfilled_order, agent, lead
) -> None:  # type: ignore[no-untyped-def]
    order = unfulfilled_order
    # The customer, on a phone: home page → contact form → a reference.
    page.goto("/")
    page.get_by_role("link", name="Contact customer care").click()
    page.wait_for_url("**/contact/")
    page.get_by_label("Your name").fill("Kim Shopper")
    page.get_by_label("Your email address").fill(order.email)
    page.get_by_label("What is it about?").select_option("change_order")
    page.get_by_label("Order number (if it's about an order)").fill(order.number)
    page.get_by_label("Your message").fill("Please change the size of my shirt to M.")
    page.get_by_role("button", name="Send").click()
    reference = page.locator("#ticket-reference").inner_text()
    ticket = Ticket.objects.get(reference=reference)
    assert ticket.order == order

    # Ana opens it from the unassigned inbox.
    sign_in(page, agent)
    page.goto("/desk/?view=unassigned")
    page.get_by_role("link", name=f"{reference}").click()
    page.wait_for_url(f"**/desk/tickets/{reference}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Where is my order") is False
    assert "Please change the size of my shirt to M." in page.locator(".conversation").inner_text()
    assert f"Order {order.number}" in page.locator(".ticket-side").inner_text()
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 391)"
        ".map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 12)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide

    # Leo opens the same ticket in his own browser and sees Ana there.
    other = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    leo = other.new_page()
    leo.set_default_timeout(10_000)
    sign_in(leo, lead)
    leo.goto(f"/desk/tickets/{reference}/")
    leo.locator("#presence").filter(has_text="Ana Agent is viewing").wait_for()

    # Ana: "a" assigns the ticket to her, "r" jumps to the reply box.
    page.keyboard.press("a")
    page.get_by_text("Assignment saved.").wait_for()
    assert "assigned to Ana Agent" in page.locator(".ticket-facts").inner_text()
    page.keyboard.press("r")
    page.keyboard.type("We changed your shirt to size M.")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Reply sent.").wait_for()
    assert page.locator("#ticket-status").inner_text() == "Pending customer"
    other.close()

    # The worker delivers the acknowledgement and the reply to the loopback SMTP server.
    report = outbox_deliver(batch=10)
    assert report.sent == 2
    ack, reply = smtp_server.received
    assert ack["Auto-Submitted"] == "auto-replied" and reference in ack["Subject"]
    assert (
        reply["To"] == order.email
        and " ".join(str(reply["Subject"]).split()) == f"Re: {ticket.subject} [{reference}]"
    )
    assert reply["In-Reply-To"] == ack["Message-ID"]
    assert f"+{reference}.{ticket.reply_token}@" in reply["Reply-To"]
    text = next(part for part in reply.walk() if part.get_content_type() == "text/plain")
    assert "We changed your shirt to size M." in text.get_payload(decode=True).decode()
