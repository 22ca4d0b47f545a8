"""What a shopper reads on the order page agrees with itself: totals that move, one money format, one day count."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.notifications.services import email_enqueue
from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.diagnoses.tracking_number import tracking_number_diagnose
from shopdesk.orderview.serialise import order_page_as_dict
from shopdesk.selfservice.registry import action_get
from shopdesk.shipping.enums import TrackingStatus
from tests import factories
from tests.situations import order_with_lines, ship


def _order_with_tax_and_points() -> Order:
    """Two lines of $40 + $8 tax each, $10 shipping: $106.00, of which 1500 points ($15.00)."""
    order = factories.OrderFactory(
        subtotal=Decimal("80.00"),
        tax_total=Decimal("16.00"),
        shipping_total=Decimal("10.00"),
        total=Decimal("106.00"),
        points_used=1500,
        points_value=Decimal("15.00"),
    )
    for name in ("Linen shirt", "Wool scarf"):
        factories.OrderLineFactory(
            order=order, product_name=name, unit_price=Decimal("40.00"), tax_amount=Decimal("8.00")
        )
    factories.PaymentFactory(order=order, amount=Decimal("91.00"))
    return order


@pytest.mark.django_db
def test_line_amounts_are_before_tax_and_sum_to_the_items_row() -> None:
    page = order_page(order=_order_with_tax_and_points())
    assert [line.amount.amount for line in page.lines] == [Decimal("40.00"), Decimal("40.00")]
    assert page.totals.items.amount == Decimal("80.00")
    assert page.totals.total.amount == Decimal("106.00")


@pytest.mark.django_db
def test_points_lower_what_the_card_pays() -> None:
    page = order_page(order=_order_with_tax_and_points())
    assert page.totals.points_value.amount == Decimal("15.00")
    assert page.totals.paid_by_money.amount == Decimal("91.00")
    html = render_to_string("web/portal/_order_body.html", {"page": page, "lines": [], "actions": []})
    assert "Paid with 1,500 points" in html and "$91.00" in html


@pytest.mark.django_db
def test_cancelling_one_unit_moves_the_totals() -> None:
    order = _order_with_tax_and_points()
    line = order.lines.first()
    assert line is not None
    line.quantity_cancelled = 1
    line.save()
    page = order_page(order=order)
    # $40 and its $8 tax leave; points go back at the order's rate ($15 of $106).
    assert page.totals.items.amount == Decimal("40.00")
    assert page.totals.tax.amount == Decimal("8.00")
    assert page.totals.total.amount == Decimal("58.00")
    assert page.totals.points_value.amount == Decimal("15.00") - Decimal("6.79")
    assert page.totals.paid_by_money.amount == page.totals.total.amount - page.totals.points_value.amount
    assert page.lines[0].amount.amount == Decimal("0.00")
    api = order_page_as_dict(page)["totals"]
    assert api["total"]["amount"] == "58.00"


@pytest.mark.django_db
def test_a_whole_cancel_leaves_nothing_to_pay() -> None:
    order = _order_with_tax_and_points()
    order.cancelled_at = timezone.now()
    order.save()
    order.lines.update(quantity_cancelled=1)
    totals = order_page(order=order).totals
    assert (totals.total.amount, totals.points_used, totals.points_returned) == (Decimal(0), 0, 1500)


@pytest.mark.django_db
def test_money_is_written_in_the_pages_language_whatever_the_destination() -> None:
    order = order_with_lines(2, locale="fr_FR")
    page = order_page(order=order)
    html = render_to_string("web/portal/_order_body.html", {"page": page, "lines": [], "actions": []})
    assert page.totals.total.display == "$98.00"
    assert "US$" not in html and "$ US" not in html and "USD" not in html


@pytest.mark.django_db
def test_a_domestic_order_has_no_customs_panel() -> None:
    order = order_with_lines(1, placed_days_ago=3, shipping_address=factories.AddressFactory(country="NL"))
    ship(order, warehouse="eu-nl", carrier="dhl", shipped_days_ago=1, last_scan_days_ago=0.5)
    codes = {d.code for d in order_page(order=order).diagnoses}
    assert not any(code.startswith("duties") or code == "held_at_customs" for code in codes)


@pytest.mark.django_db
def test_an_order_crossing_a_border_keeps_its_customs_panel() -> None:
    order = order_with_lines(1, placed_days_ago=3, shipping_address=factories.AddressFactory(country="GB"))
    ship(order, warehouse="eu-nl", carrier="dhl", shipped_days_ago=1, last_scan_days_ago=0.5)
    codes = {d.code for d in order_page(order=order).diagnoses}
    assert codes & {"duties_on_delivery", "duties_under_threshold", "duties_paid_by_store"}


@pytest.mark.django_db
def test_the_headline_and_the_panel_count_the_same_days_for_a_lost_parcel() -> None:
    # 08:00 in New York; the last scan 15.5 days before, at 20:00 the evening of a calendar day 17 days back:
    # the headline once counted calendar days (17), the panel whole days (15).
    with time_machine.travel(dt.datetime(2026, 11, 26, 13, 0, tzinfo=dt.UTC), tick=False):
        order = order_with_lines(1, placed_days_ago=20)
        ship(order, shipped_days_ago=18, last_scan_days_ago=15.5)
        page = order_page(order=order)
    lost = next(d for d in page.diagnoses if d.code == "package_lost")
    assert lost.facts["days_since_last_scan"] == 15
    assert "scanned for 15 days" in lost.message
    assert "for 15 days" in page.summary


@pytest.mark.django_db
def test_a_closed_return_window_says_so() -> None:
    order = order_with_lines(1, placed_days_ago=60)
    ship(order, status=TrackingStatus.DELIVERED, shipped_days_ago=55, last_scan_days_ago=50)
    codes = {d.code: d for d in order_page(order=order).diagnoses}
    assert "return_window_closed" in codes
    assert "can no longer be returned" in codes["return_window_closed"].message
    # The actions' reasons agree with the panel: no "you can return items within 30 days" under it.
    cancel = order_page(order=order).actions["cancel"].message
    assert "The return window closed on" in cancel and "You can return items" not in cancel


def test_a_fresh_label_never_says_0_hours_ago() -> None:
    now = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
    diagnosis = tracking_number_diagnose(
        number="1Z999AA10123456784",
        expected_carrier="ups",
        label_created_at=now - dt.timedelta(minutes=20),
        scanned=False,
        now=now,
    )
    assert "0 hours" not in diagnosis.message
    assert "less than an hour ago" in diagnosis.message


@pytest.mark.django_db
def test_a_partly_shipped_order_counts_the_package_still_to_come() -> None:
    order = order_with_lines(2, placed_days_ago=2)
    ship(order, lines=[order.lines.first()], shipped_days_ago=1, last_scan_days_ago=0.5)
    page = order_page(order=order)
    html = render_to_string("web/portal/_order_body.html", {"page": page, "lines": [], "actions": []})
    assert "Package 1 of 1" not in html
    assert "Package 1 of 2" in html and "Package 2 of 2" in html
    split = next(d for d in page.diagnoses if d.topic == "split_shipment")
    assert "comes in 2 packages" in split.title


@pytest.mark.django_db
def test_tracking_times_carry_their_time_zone() -> None:
    order = order_with_lines(1, placed_days_ago=2)
    ship(order, shipped_days_ago=1, last_scan_days_ago=0.5)
    page = order_page(order=order)
    html = render_to_string("web/portal/_order_body.html", {"page": page, "lines": [], "actions": []})
    timeline = html.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "EST" in timeline or "EDT" in timeline  # the demo store keeps New York time


@pytest.mark.django_db
def test_the_emails_page_shows_readable_times(client: Client) -> None:
    order = order_with_lines(1)
    email_enqueue(to=order.email, template="confirmation", context={}, order=order)
    response = client.post("/orders/", {"order_number": order.number, "email": order.email})
    assert response.status_code == 302
    html = client.get(f"/orders/{order.number}/emails/").content.decode()
    shown = re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", html)
    assert len(shown) == 1
    # "Sun 29 Nov 2026, 17:35 EST": a day, a time and the store's zone; no ISO string, no microseconds.
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d E[SD]T", shown[0]), shown


@pytest.mark.django_db
def test_a_cancel_preview_counts_points_as_the_page_does() -> None:
    order = _order_with_tax_and_points()
    preview = action_get("cancel").preview(order=order, actor=Actor.customer(order.email), params={})
    assert "1,500 points come back to your account." in preview.message
