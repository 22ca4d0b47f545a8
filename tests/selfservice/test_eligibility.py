"""Every eligibility rule, both ways: the answer and the sentence the customer reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.orders.events import order_email_resent
from shopdesk.payments.enums import PaymentState
from shopdesk.policy.loader import reload_policy
from shopdesk.selfservice.eligibility import (
    billing_address_change_eligibility,
    cancel_eligibility,
    email_change_eligibility,
    line_change_eligibility,
    resend_email_eligibility,
    shipping_address_change_eligibility,
)
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, ship, shirt_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy_file(tmp_path):
    """Write a variant of the default policy and load it for one test."""
    from shopdesk.policy.loader import DEFAULT_POLICY_FILE

    def use(**replacements: str):
        text = DEFAULT_POLICY_FILE.read_text()
        for old, new in replacements.items():
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / "store.toml"
        path.write_text(text)
        override = override_settings(SHOPDESK_POLICY=str(path))
        override.enable()
        reload_policy()
        return override

    overrides = []
    yield lambda **kw: overrides.append(use(**kw))
    for override in overrides:
        override.disable()
    reload_policy()


def test_an_unshipped_order_can_be_cancelled():
    answer = cancel_eligibility(order=paid_order_of_shirt_and_scarf())
    assert answer.allowed and answer.code == "ok"


def test_a_partly_shipped_order_offers_the_unshipped_items():
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order))
    answer = cancel_eligibility(order=order)
    assert answer.allowed and answer.code == "partially_dispatched"
    assert answer.message == (
        "This order can't be cancelled as a whole any more: 2 of its 3 items have left our warehouse. "
        "You can cancel the Wool scarf that hasn't shipped yet, or return the rest once it arrives."
    )


def test_a_shipped_order_cannot_be_cancelled():
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order), scarf_line(order))
    answer = cancel_eligibility(order=order)
    assert not answer.allowed and answer.code == "already_dispatched"
    assert "return items within 30 days after it arrives" in answer.message


def test_a_cancelled_order_cannot_be_cancelled_again():
    order = paid_order_of_shirt_and_scarf(cancelled_at=timezone.now())
    assert cancel_eligibility(order=order).code == "order_cancelled"


def test_a_store_that_never_cancels_says_so(policy_file):
    policy_file(**{'cancellation = "before_dispatch"': 'cancellation = "never"'})
    answer = cancel_eligibility(order=paid_order_of_shirt_and_scarf())
    assert not answer.allowed and answer.code == "cancellation_not_offered"


def test_a_declined_order_can_still_be_cancelled():
    order = paid_order_of_shirt_and_scarf()
    order.payments.update(
        state=PaymentState.DECLINED, amount_captured=Decimal(0), amount_authorised=Decimal(0)
    )
    assert cancel_eligibility(order=order).allowed


# --- change an item -------------------------------------------------------------------------------
def test_an_item_can_be_changed_within_the_window():
    order = paid_order_of_shirt_and_scarf()
    answer = line_change_eligibility(order=order, line=shirt_line(order))
    assert answer.allowed and "size, colour or quantity" in answer.message


def test_an_item_cannot_be_changed_after_the_window():
    order = paid_order_of_shirt_and_scarf(placed_at=timezone.now() - dt.timedelta(hours=13))
    answer = line_change_eligibility(order=order, line=shirt_line(order))
    assert not answer.allowed and answer.code == "change_window_closed"
    assert answer.message.startswith("Orders can be changed for 12 hours after they're placed")


def test_the_window_is_measured_at_the_time_given():
    order = paid_order_of_shirt_and_scarf()
    later = order.placed_at + dt.timedelta(hours=12, seconds=1)
    assert (
        line_change_eligibility(order=order, line=shirt_line(order), now=later).code == "change_window_closed"
    )
    assert line_change_eligibility(order=order, line=shirt_line(order), now=later - dt.timedelta(seconds=2))


def test_a_shipped_item_cannot_be_changed_but_the_other_can():
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order))
    assert line_change_eligibility(order=order, line=shirt_line(order)).code == "line_dispatched"
    assert line_change_eligibility(order=order, line=scarf_line(order)).allowed


def test_the_order_speaks_of_its_items_and_one_changeable_item_of_itself():
    from shopdesk.selfservice.registry import action_get

    order = paid_order_of_shirt_and_scarf()
    action, actor = action_get("change_items"), Actor.customer(order.email)
    both = action.eligibility(order=order, actor=actor)
    assert both.allowed and both.message.startswith("You can change items of this order until ")
    ship(order, shirt_line(order))
    one = action.eligibility(order=order, actor=actor)
    assert one.message == line_change_eligibility(order=order, line=scarf_line(order)).message
    assert "of this item" in one.message


def test_a_cancelled_item_or_order_cannot_be_changed():
    order = paid_order_of_shirt_and_scarf()
    line = scarf_line(order)
    line.quantity_cancelled = 1
    line.save()
    assert line_change_eligibility(order=order, line=line).code == "line_cancelled"
    order.cancelled_at = timezone.now()
    assert line_change_eligibility(order=order, line=shirt_line(order)).code == "order_cancelled"


def test_an_item_no_longer_in_the_catalogue_needs_an_agent():
    order = paid_order_of_shirt_and_scarf()
    line = shirt_line(order)
    line.variant = None
    line.save()
    assert line_change_eligibility(order=order, line=line).code == "variant_unavailable"


def test_a_store_without_item_changes_says_so(policy_file):
    policy_file(**{'changeable = ["size", "colour", "quantity", ': "changeable = ["})
    order = paid_order_of_shirt_and_scarf()
    assert line_change_eligibility(order=order, line=shirt_line(order)).code == "change_not_offered"
    assert shipping_address_change_eligibility(order=order).allowed


# --- addresses ------------------------------------------------------------------------------------
def test_the_delivery_address_can_change_before_dispatch():
    assert shipping_address_change_eligibility(order=paid_order_of_shirt_and_scarf()).allowed


def test_the_delivery_address_cannot_change_after_dispatch_and_names_the_carrier():
    order = paid_order_of_shirt_and_scarf()
    ship(order, scarf_line(order))
    answer = shipping_address_change_eligibility(order=order)
    assert answer.code == "already_dispatched" and "UPS can help" in answer.message


def test_the_delivery_address_cannot_change_after_the_window():
    order = paid_order_of_shirt_and_scarf(placed_at=timezone.now() - dt.timedelta(days=1))
    assert shipping_address_change_eligibility(order=order).code == "change_window_closed"


def test_the_billing_address_follows_its_own_rule():
    order = paid_order_of_shirt_and_scarf(placed_at=timezone.now() - dt.timedelta(days=1))
    assert billing_address_change_eligibility(order=order).allowed  # no window: before dispatch
    ship(order, scarf_line(order))
    assert billing_address_change_eligibility(order=order).code == "already_dispatched"


def test_a_billing_rule_of_before_capture(policy_file):
    policy_file(**{'change_before = "dispatch"': 'change_before = "capture"'})
    order = paid_order_of_shirt_and_scarf()
    assert billing_address_change_eligibility(order=order).code == "already_charged"
    order.payments.update(state=PaymentState.AUTHORISED, amount_captured=Decimal(0))
    assert billing_address_change_eligibility(order=order).allowed


def test_a_billing_rule_of_never(policy_file):
    policy_file(**{'change_before = "dispatch"': 'change_before = "never"'})
    assert (
        billing_address_change_eligibility(order=paid_order_of_shirt_and_scarf()).code == "change_not_offered"
    )


# --- emails ---------------------------------------------------------------------------------------
def test_the_confirmation_can_be_resent_three_times_an_hour():
    order = paid_order_of_shirt_and_scarf()
    now = timezone.now()
    for minutes in (50, 30, 10):
        event = order_email_resent(order=order, actor=Actor.system(), template="confirmation", to=order.email)
        order.events.filter(pk=event.pk).update(created_at=now - dt.timedelta(minutes=minutes))
    answer = resend_email_eligibility(order=order, template="confirmation", now=now)
    assert not answer.allowed and answer.code == "resend_limit"
    assert "3 times in the last hour" in answer.message
    assert resend_email_eligibility(order=order, template="confirmation", now=now + dt.timedelta(minutes=11))


def test_the_order_page_counts_each_emails_resends_from_one_read():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shopdesk.orderview.builder import order_page

    order = paid_order_of_shirt_and_scarf()
    ship(order, scarf_line(order))
    now = timezone.now()
    for minutes, template in (
        (50, "confirmation"),
        (40, "shipped"),
        (30, "confirmation"),
        (10, "confirmation"),
    ):
        event = order_email_resent(order=order, actor=Actor.system(), template=template, to=order.email)
        order.events.filter(pk=event.pk).update(created_at=now - dt.timedelta(minutes=minutes))
    with CaptureQueriesContext(connection) as queries:
        page = order_page(order=order, actor=Actor.customer(order.email))
    assert page.actions["resend_confirmation"].code == "resend_limit"
    assert page.actions["resend_shipping"].allowed  # one shipping email this hour, of three allowed
    resend_reads = [q["sql"] for q in queries.captured_queries if "orders_orderevent" in q["sql"]]
    assert len([sql for sql in resend_reads if "created_at" in sql and "after" in sql]) == 1


def test_the_shipping_email_needs_a_shipment():
    order = paid_order_of_shirt_and_scarf()
    assert resend_email_eligibility(order=order, template="shipped").code == "not_shipped_yet"
    ship(order, scarf_line(order))
    assert resend_email_eligibility(order=order, template="shipped").allowed


def test_only_known_emails_can_be_resent():
    assert (
        resend_email_eligibility(order=paid_order_of_shirt_and_scarf(), template="magic_link").code
        == "unknown_email"
    )


def test_the_email_can_always_be_corrected():
    answer = email_change_eligibility(order=paid_order_of_shirt_and_scarf())
    assert answer.allowed and "we send a link to the new address" in answer.message
