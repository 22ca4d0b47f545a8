"""The order page shows each item's last return day (web and the order view's JSON), the same day the
return form gives; none for an item not delivered yet, nor for a final-sale item."""

from __future__ import annotations

import pytest
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.orders.models import OrderLine
from shopdesk.returns.eligibility import order_returnability
from shopdesk.shipping.enums import TrackingStatus
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.situations import ship
from tests.web.test_actions import sign_in

pytestmark = pytest.mark.django_db


def test_each_delivered_item_has_the_return_forms_last_day_and_a_final_sale_item_none(client: Client):
    order = delivered_shirt_and_scarf(delivered_days_ago=3)
    OrderLine.objects.filter(pk=scarf_line(order).pk).update(return_flags=["final_sale"])
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    body = client.get(
        f"/api/v1/customer/orders/{order.number}", HTTP_AUTHORIZATION=f"Bearer {issued.token}"
    ).json()
    days = {line["id"]: line["last_return_day"] for line in body["lines"]}
    form = {answer.line.pk: answer.last_day for answer in order_returnability(order=order)}
    assert days[shirt_line(order).pk] == form[shirt_line(order).pk].isoformat()
    assert days[scarf_line(order).pk] is None
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert f'data-last-return-day="{days[shirt_line(order).pk]}"' in page and "Return by " in page
    assert page.count("data-last-return-day") == 1


def test_an_item_not_delivered_yet_has_no_last_day_and_a_late_one_says_the_window_closed(client: Client):
    order = paid_order_of_shirt_and_scarf()
    ship(
        order,
        lines=[shirt_line(order)],
        status=TrackingStatus.DELIVERED,
        shipped_days_ago=45,
        last_scan_days_ago=40,
    )
    ship(order, lines=[scarf_line(order)], status=TrackingStatus.IN_TRANSIT)
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert "Return window closed" in page and page.count("data-last-return-day") == 1


def test_starting_a_return_changes_the_cached_order_view_at_once(client: Client):
    import datetime as dt

    import time_machine

    from tests.returns.follow_fixtures import return_of_both

    with time_machine.travel(dt.datetime(2026, 3, 2, 15, 0, 10, tzinfo=dt.UTC), tick=False):
        order = delivered_shirt_and_scarf()
        OrderLine.objects.filter(pk=shirt_line(order).pk).update(quantity=1)
        issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}
        before = client.get(f"/api/v1/customer/orders/{order.number}", **auth).json()
        assert before["actions"]["return_start"]["allowed"] is True
        return_of_both(order)  # every item now in a return, within the same minute
        after = client.get(f"/api/v1/customer/orders/{order.number}", **auth).json()
        assert after["actions"]["return_start"]["code"] == "return_in_progress"
