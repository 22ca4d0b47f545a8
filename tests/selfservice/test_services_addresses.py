"""Changing the delivery and billing addresses of an order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotEligible
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Address
from shopdesk.selfservice.services.addresses import (
    address_change_preview,
    order_billing_address_change,
    order_shipping_address_change,
)
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, ship

pytestmark = pytest.mark.django_db
CUSTOMER = Actor.customer("shopper@example.com")
NEW_YORK = {
    "name": "Ada Shopper",
    "line1": "500 Fifth Avenue",
    "line2": "Apt 4",
    "city": "New York",
    "region": "NY",
    "postcode": "10110",
    "country": "US",
    "phone": "+1 212 555 0199",
}


def _addresses_and_messages() -> tuple[int, int]:
    return Address.objects.count(), OutboxMessage.objects.count()


def test_the_delivery_address_is_copied_into_a_new_row_and_emailed():
    order = paid_order_of_shirt_and_scarf()
    old = order.shipping_address
    changed = order_shipping_address_change(order=order, actor=CUSTOMER, address=NEW_YORK)
    assert changed.shipping_address_id != old.pk
    old.refresh_from_db()
    assert old.line1 == "12 Orchard Street"  # the old row is never edited
    assert changed.shipping_address.line1 == "500 Fifth Avenue"
    assert changed.billing_address_id == order.billing_address_id
    event = changed.events.get(kind=OrderEventKind.SHIPPING_ADDRESS_CHANGED)
    assert event.before["line1"] == "12 Orchard Street" and event.after["line1"] == "500 Fifth Avenue"
    email = OutboxMessage.objects.get(template="address_changed")
    assert (
        email.to == order.email
        and "500 Fifth Avenue" in email.body_text
        and "500 Fifth Avenue" in email.body_html
    )


def test_puerto_rico_is_in_the_same_zone():
    order = paid_order_of_shirt_and_scarf()
    address = {**NEW_YORK, "country": "PR", "region": "", "postcode": "00901", "phone": ""}
    assert (
        order_shipping_address_change(order=order, actor=CUSTOMER, address=address).shipping_address.country
        == "PR"
    )


def test_another_zone_is_not_self_service_and_says_why():
    order = paid_order_of_shirt_and_scarf()
    before = _addresses_and_messages()
    address = {**NEW_YORK, "country": "DE", "region": "", "postcode": "10115", "city": "Berlin", "phone": ""}
    with pytest.raises(NotEligible) as error:
        order_shipping_address_change(order=order, actor=CUSTOMER, address=address)
    assert error.value.code == "other_shipping_zone" and "European Union" in error.value.message
    assert _addresses_and_messages() == before


def test_a_zone_with_the_same_set_up_is_allowed():
    # EU orders to Germany can move within the EU zone; GB is another zone with other duties.
    order = paid_order_of_shirt_and_scarf(
        shipping_address=Address.objects.create(
            name="A", line1="Dam 1", city="Amsterdam", postcode="1012 JS", country="NL"
        )
    )
    german = {
        "name": "A",
        "line1": "Unter den Linden 1",
        "city": "Berlin",
        "postcode": "10117",
        "country": "DE",
    }
    assert (
        order_shipping_address_change(order=order, actor=CUSTOMER, address=german).shipping_address.country
        == "DE"
    )
    british = {"name": "A", "line1": "1 Mall", "city": "London", "postcode": "SW1A 1AA", "country": "GB"}
    with pytest.raises(NotEligible):
        order_shipping_address_change(order=order, actor=CUSTOMER, address=british)


def test_po_boxes_follow_the_policy():
    order = paid_order_of_shirt_and_scarf()  # US, standard method: allowed
    po_box = {**NEW_YORK, "line1": "P.O. Box 123", "line2": ""}
    assert order_shipping_address_change(order=order, actor=CUSTOMER, address=po_box).shipping_address.line1
    express = paid_order_of_shirt_and_scarf(shipping_method="express")
    with pytest.raises(InvalidInput) as error:
        order_shipping_address_change(order=express, actor=CUSTOMER, address=po_box)
    assert error.value.code == "po_box_not_allowed"
    dutch = paid_order_of_shirt_and_scarf(
        shipping_address=Address.objects.create(
            name="A", line1="Dam 1", city="Amsterdam", postcode="1012 JS", country="NL"
        )
    )
    with pytest.raises(InvalidInput):
        order_shipping_address_change(
            order=dutch,
            actor=CUSTOMER,
            address={
                "name": "A",
                "line1": "Postbus 12",
                "city": "Amsterdam",
                "postcode": "1000 AA",
                "country": "NL",
            },
        )


def test_bad_input_changes_nothing():
    order = paid_order_of_shirt_and_scarf()
    before = _addresses_and_messages()
    with pytest.raises(InvalidInput) as error:
        order_shipping_address_change(order=order, actor=CUSTOMER, address={**NEW_YORK, "postcode": "ABC"})
    assert "postcode" in error.value.details["fields"]
    assert _addresses_and_messages() == before
    assert not order.events.exists()


def test_after_dispatch_or_the_window_the_address_stays():
    order = paid_order_of_shirt_and_scarf()
    ship(order, scarf_line(order))
    with pytest.raises(NotEligible):
        order_shipping_address_change(order=order, actor=CUSTOMER, address=NEW_YORK)
    late = paid_order_of_shirt_and_scarf(placed_at=timezone.now() - dt.timedelta(days=2))
    with pytest.raises(NotEligible):
        order_shipping_address_change(order=late, actor=CUSTOMER, address=NEW_YORK)


def test_the_same_address_again_writes_nothing():
    order = paid_order_of_shirt_and_scarf()
    order_shipping_address_change(order=order, actor=CUSTOMER, address=NEW_YORK)
    before = _addresses_and_messages()
    order_shipping_address_change(order=order, actor=CUSTOMER, address=NEW_YORK)
    assert _addresses_and_messages() == before


def test_the_billing_address_changes_within_the_country_only():
    order = paid_order_of_shirt_and_scarf()
    changed = order_billing_address_change(order=order, actor=CUSTOMER, address=NEW_YORK)
    assert changed.billing_address.line1 == "500 Fifth Avenue"
    assert OutboxMessage.objects.filter(template="billing_address_changed").count() == 1
    canadian = {
        "name": "A",
        "line1": "1 Rue",
        "city": "Montreal",
        "region": "QC",
        "postcode": "H2X 1Y4",
        "country": "CA",
    }
    with pytest.raises(NotEligible) as error:
        order_billing_address_change(order=order, actor=CUSTOMER, address=canadian)
    assert error.value.code == "billing_country_change"
    assert "checked against your card again" in error.value.message


def test_the_preview_normalises_without_writing():
    order = paid_order_of_shirt_and_scarf()
    clean = address_change_preview(order=order, address={**NEW_YORK, "region": "new york"}, kind="shipping")
    assert clean.region == "NY" and not order.events.exists()
