"""Every action of the registry, walked in a phone-sized browser from the order page to its success
sentence. A new action without a walk here fails `test_every_registered_action_has_a_walk`."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from shopdesk.orders.models import Order
from shopdesk.selfservice.registry import actions_all
from shopdesk.shipping.models import Case
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, ship, shirt_line
from tests.situations import order_with_lines
from tests.situations import ship as ship_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _find_order(page, order: Order) -> None:
    page.goto("/orders/")
    page.get_by_role("textbox", name="Order number").fill(order.number)
    page.get_by_role("textbox", name="Email address").fill(order.email)
    page.get_by_role("button", name="Show my order").click()
    page.wait_for_url(f"**/orders/{order.number}/")


def _flash(page, order: Order) -> str:
    page.wait_for_url(f"**/orders/{order.number}/")
    return str(page.locator(".messages").inner_text())


def _address(page, line1: str) -> None:
    page.get_by_label("Street address").fill(line1)
    page.get_by_label("Postcode / ZIP").fill("10110")
    page.get_by_label("City").fill("New York")
    page.get_by_role("button", name="Continue").click()
    assert line1 in page.locator(".action-details").inner_text()
    page.get_by_role("button", name="Yes, use this address").click()


def walk_cancel(page) -> None:
    """Part of the order has shipped: the customer picks the item that hasn't (a partial cancel)."""
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order))
    _find_order(page, order)
    page.get_by_role("link", name="Cancel the order").click()
    expect(page.get_by_role("heading", name="Cancel items")).to_be_visible()
    page.get_by_label("1 × Wool scarf").check()
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".action-sentence").inner_text().startswith("You're about to cancel 1 item")
    page.get_by_role("button", name="Yes, cancel these items").click()
    assert _flash(page, order).startswith("1 item is cancelled.")
    assert scarf_line(order).quantity_cancelled == 1


def walk_change_items(page) -> None:
    order = paid_order_of_shirt_and_scarf()
    _find_order(page, order)
    page.get_by_role("link", name="Change size, colour or quantity").first.click()
    page.get_by_label("Size").select_option("L")
    page.get_by_role("button", name="Continue").click()
    assert "You're about to change 2 × Linen shirt" in page.locator(".action-sentence").inner_text()
    page.get_by_role("button", name="Yes, change it").click()
    _flash(page, order)
    assert shirt_line(order).size == "L"


def walk_shipping_address(page) -> None:
    order = paid_order_of_shirt_and_scarf()
    _find_order(page, order)
    page.get_by_role("link", name="Change the shipping address").click()
    _address(page, "500 Fifth Avenue")
    assert "The delivery address is changed" in _flash(page, order)
    order.refresh_from_db()
    assert order.shipping_address.line1 == "500 Fifth Avenue"


def walk_billing_address(page) -> None:
    order = paid_order_of_shirt_and_scarf()
    _find_order(page, order)
    page.get_by_role("link", name="Change the billing address").click()
    _address(page, "1 Billing Plaza")
    assert "The billing address is changed" in _flash(page, order)
    order.refresh_from_db()
    assert order.billing_address.line1 == "1 Billing Plaza"


def _resend(page, order: Order, link: str, panel: str) -> None:
    _find_order(page, order)
    page.get_by_role("link", name=link).click()
    page.locator("form.panel", has=page.get_by_role("heading", name=panel)).get_by_role(
        "button", name="Send it again"
    ).click()
    assert f"We're sending it again to {order.email}" in _flash(page, order)


def walk_resend_confirmation(page) -> None:
    order = paid_order_of_shirt_and_scarf()
    _resend(page, order, "Send the confirmation again", "Send the confirmation again")
    assert order.events.filter(kind="email_resent", after__template="confirmation").count() == 1


def walk_resend_shipping(page) -> None:
    order = paid_order_of_shirt_and_scarf()
    ship(order, scarf_line(order))
    _resend(page, order, "Send the shipping email again", "Send the shipping email again")
    assert order.events.filter(kind="email_resent", after__template="shipped").count() == 1


def walk_change_email(page) -> None:
    order = paid_order_of_shirt_and_scarf()
    _find_order(page, order)
    page.get_by_role("link", name="Fix my email address").click()
    page.get_by_label("Correct email address").fill("fixed.address@example.com")
    page.get_by_role("button", name="Continue").click()
    assert "We'll send a link to fixed.address@example.com" in page.locator(".action-sentence").inner_text()
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()


def walk_open_case(page) -> None:
    """A package with no scan for days: its diagnosis offers to ask the carrier."""
    order = order_with_lines(1, placed_days_ago=7)
    ship_package(order, shipped_days_ago=6, last_scan_days_ago=5.5)
    _find_order(page, order)
    page.get_by_role("button", name=re.compile(r"^Ask .* where it is$")).click()
    assert "We opened case CS-" in _flash(page, order)
    assert Case.objects.filter(order=order).count() == 1


def walk_return_start(page) -> None:
    """A delivered order with a final-sale scarf: the scarf is refused with its reason, the shirt goes back."""
    from shopdesk.orders.models import OrderLine
    from shopdesk.shipping.enums import TrackingStatus

    order = paid_order_of_shirt_and_scarf()
    ship_package(order, status=TrackingStatus.DELIVERED, shipped_days_ago=5, last_scan_days_ago=3)
    OrderLine.objects.filter(pk=scarf_line(order).pk).update(return_flags=["final_sale"])
    _find_order(page, order)
    page.get_by_role("link", name="Return items").click()
    assert "Final Sale" in page.locator(".return-line-refused").inner_text()
    page.get_by_label("How many of the Linen shirt").select_option("1")
    page.get_by_label("Why the Linen shirt goes back").select_option("too_small")
    page.get_by_role("button", name="Start the return").click()
    page.wait_for_url(f"**/orders/{order.number}/returns/RMA-*/")
    expect(page.get_by_role("heading", name=re.compile(r"^Return RMA-"))).to_be_visible()
    page.get_by_role("link", name="Print the return slip").click()
    page.wait_for_url("**/slip/")
    page.locator(".return-slip svg").first.wait_for()  # the slip page loaded, not only its address
    assert page.locator(".return-slip svg").count() == 1


def walk_price_adjustment(page) -> None:
    """The shirt is on sale since yesterday: the item's link leads to the difference, back on the card."""
    from tests.selfservice.price_adjustment_fixtures import order_with_cheaper_shirt

    order = order_with_cheaper_shirt()
    _find_order(page, order)
    page.get_by_role("link", name="Get the price difference back").first.click()
    assert "we can refund $20.00" in page.locator(".lead").inner_text()
    page.get_by_role("button", name="Continue").click()
    assert "you get $20.00 back" in page.locator(".action-sentence").inner_text()
    page.get_by_role("button", name="Yes, refund the difference").click()
    assert "$20.00 goes back to your Visa ending 4242" in _flash(page, order)
    assert order.refunds.get().amount == 20


def walk_pay_again(page) -> None:
    """A declined order the store gave a pay link: the page explains the decline and "Pay again" leads there."""
    from tests.payments.test_declined import PAY_URL, declined_order

    order = declined_order(code="insufficient_funds", payment_url=PAY_URL)
    _find_order(page, order)
    panel = page.locator("#payment-declined")
    assert "does not have enough funds" in panel.inner_text()
    assert "No money left your account" in panel.inner_text()
    page.screenshot(path="/tmp/shopdesk-declined-390.png", full_page=True)
    # The store's payment page, answered inside the browser: the test never leaves the machine.
    page.route(
        "https://pay.kwoking.example/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<h1>Store payment page</h1>"),
    )
    panel.get_by_role("link", name="Pay again").click()
    page.wait_for_url(PAY_URL)
    expect(page.get_by_role("heading", name="Store payment page")).to_be_visible()


def walk_verify_payment(page) -> None:
    """A payment check: the customer reads why and until when, then sends the card's last digits."""
    from shopdesk.payments.enums import VerificationCaseStatus
    from shopdesk.payments.models import PaymentVerification
    from tests.payments.test_verification import order_awaiting_verification

    order = order_awaiting_verification()
    _find_order(page, order)
    page.locator("#payment-verification").get_by_role("link", name="Verify my payment").click()
    expect(page.get_by_role("heading", name="Why we check this payment")).to_be_visible()
    page.get_by_label("Last four digits of your card").fill("4242")
    page.get_by_label("Billing postcode").fill("SW1A 1AA")
    page.screenshot(path="/tmp/shopdesk-verification-form-390.png", full_page=True)
    page.get_by_role("button", name="Send for review").click()
    assert "Thanks: we have your answer" in _flash(page, order)
    assert PaymentVerification.objects.get(order=order).status == VerificationCaseStatus.UNDER_REVIEW
    page.screenshot(path="/tmp/shopdesk-verification-done-390.png", full_page=True)


def walk_refund_dispute(page) -> None:
    """A return refunded with a deduction: the owner questions that line from the return page; a case opens."""
    from decimal import Decimal

    from shopdesk.core.actors import Actor
    from shopdesk.payments.models import Refund
    from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
    from tests.returns.conftest import delivered_shirt_and_scarf

    order = delivered_shirt_and_scarf()
    _find_order(page, order)
    page.get_by_role("link", name="Return items").click()
    page.get_by_label("How many of the Linen shirt").select_option("1")
    page.get_by_label("Why the Linen shirt goes back").select_option("changed_mind")
    page.get_by_role("button", name="Start the return").click()
    page.wait_for_url(f"**/orders/{order.number}/returns/RMA-*/")
    rma = page.url.rstrip("/").rsplit("/", 1)[-1]
    warehouse = Actor.integration("warehouse")
    return_mark_received(rma=rma, actor=warehouse)
    deducted = InspectionLine(
        shirt_line(order).pk, "deducted", reason="tags missing", deduction=Decimal("4.90")
    )
    return_inspect(rma=rma, actor=warehouse, lines=[deducted])
    page.reload()
    page.get_by_text("Report a problem with this refund").click()
    page.get_by_label(re.compile(r"^Deduction on Linen shirt")).check()
    page.get_by_label("What happened").fill("The tags were still on.")
    page.get_by_role("button", name="Send to our team").click()
    page.wait_for_url(f"**/orders/{order.number}/returns/{rma}/")
    case = Case.objects.get(refund=Refund.objects.get(order=order))
    assert case.reference in page.locator(".messages").inner_text()
    assert case.details["questioned"][0]["description"] == "Deduction on Linen shirt (tags missing)"


WALKS: dict[str, Callable[..., None]] = {
    name.removeprefix("walk_"): function
    for name, function in list(globals().items())
    if name.startswith("walk_") and callable(function)
}


def test_every_registered_action_has_a_walk() -> None:
    # Actions only the care team performs are not offered on the customer's pages.
    assert set(WALKS) == {action.id for action in actions_all() if not action.for_agents}


@pytest.mark.parametrize("action_id", [action.id for action in actions_all() if not action.for_agents])
def test_walk_the_action_on_the_web(page, action_id: str) -> None:
    WALKS[action_id](page)
