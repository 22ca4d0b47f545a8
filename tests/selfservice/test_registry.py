"""The registry: every action is registered once, at start, and every interface lists the same ones."""

from __future__ import annotations

import pytest

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotEligible, NotFound
from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
from shopdesk.selfservice.registry import action_get, actions_all, is_registered, order_actions
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, ship, shirt_line

pytestmark = pytest.mark.django_db

IDS = [
    "cancel",
    "change_items",
    "shipping_address",
    "billing_address",
    "resend_confirmation",
    "resend_shipping",
    "change_email",
    "open_case",
    "return_start",
    "pay_again",
    "verify_payment",
    "price_adjustment",
    "refund_dispute",
    "refund_retry",
    "points_adjust",
    "refund_lines",
]


def test_the_registry_holds_each_action_once_in_a_stable_order():
    assert [action.id for action in actions_all()] == IDS
    assert all(is_registered(action_id) for action_id in IDS)
    assert not is_registered("price_match")
    with pytest.raises(NotFound):
        action_get("price_match")
    # An agents-only action has no customer path: the desk performs it under /api/v1/desk/.
    assert all(action.label and (action.api_path or action.for_agents) for action in actions_all())


def test_order_actions_answer_every_action_for_the_actor():
    order = paid_order_of_shirt_and_scarf()
    answers = order_actions(order, Actor.customer(order.email))
    assert list(answers) == IDS
    allowed = {key for key, answer in answers.items() if answer.allowed}
    assert allowed == set(IDS) - {
        "resend_shipping",
        "open_case",
        "return_start",
        "price_adjustment",
        "refund_dispute",
        "pay_again",
        "verify_payment",
        "refund_retry",
        "points_adjust",
        "refund_lines",
    }
    assert answers["refund_retry"].code == "agents_only"
    assert answers["points_adjust"].code == "agents_only"
    assert answers["refund_lines"].code == "agents_only"
    assert answers["price_adjustment"].code == "no_price_drop"
    assert answers["pay_again"].code == "already_paid"
    assert answers["verify_payment"].code == "verification_not_needed"
    assert answers["return_start"].code == "not_delivered"
    assert answers["refund_dispute"].code == "no_refund"
    assert answers["resend_shipping"].code == "not_shipped_yet"
    assert answers["open_case"].code == "case_not_needed"


def test_order_actions_read_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order))
    with django_assert_max_num_queries(18):  # + prices now and adjustments made (price_adjustment)
        order_actions(order, Actor.customer(order.email))


def test_the_order_page_lists_every_registered_action_from_its_own_rows(django_assert_max_num_queries):
    order = Order.objects.select_related("shipping_address", "billing_address").get(
        pk=paid_order_of_shirt_and_scarf().pk
    )
    with django_assert_max_num_queries(9):  # the page's reads, plus the resend count: no read per action
        page = order_page(order=order)
    assert list(page.actions) == IDS


def test_open_case_is_allowed_when_a_diagnosis_offers_one(order_with_stale_tracking: Order):
    order = order_with_stale_tracking
    answers = order_actions(order, Actor.customer(order.email))
    assert answers["open_case"].allowed
    shipment = order.shipments.get().pk
    action = action_get("open_case")
    preview = action.preview(
        order=order,
        actor=Actor.customer(order.email),
        params={"kind": "carrier_inquiry", "shipment": shipment},
    )
    assert "carrier inquiry" in preview.message
    done = action.perform(
        order=order,
        actor=Actor.customer(order.email),
        params={"kind": "carrier_inquiry", "shipment": shipment},
    )
    assert done.data["reference"] in done.message and not done.replayed
    again = action.perform(
        order=order,
        actor=Actor.customer(order.email),
        params={"kind": "carrier_inquiry", "shipment": shipment},
    )
    assert again.replayed and again.data["reference"] == done.data["reference"]


def test_bad_params_are_refused_before_anything_changes():
    order = paid_order_of_shirt_and_scarf()
    actor = Actor.customer(order.email)
    with pytest.raises(InvalidInput) as error:
        action_get("cancel").perform(order=order, actor=actor, params={"line_ids": "all", "extra": 1})
    assert set(error.value.details["fields"]) == {"line_ids", "extra"}
    order.refresh_from_db()
    assert not order.is_cancelled


def test_a_partial_cancel_previews_only_the_items_still_here():
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order))
    actor = Actor.customer(order.email)
    action = action_get("cancel")
    eligibility = action.eligibility(order=order, actor=actor)
    assert eligibility.code == "partially_dispatched"
    choices = action.line_choices(order=order)  # type: ignore[attr-defined]
    assert [label for _, label in choices] == ["1 × Wool scarf"]
    with pytest.raises(NotEligible):
        action.preview(order=order, actor=actor, params={})
    preview = action.preview(order=order, actor=actor, params={"line_ids": [choices[0][0]]})
    assert preview.message.startswith("You're about to cancel 1 item") and not preview.data["whole_order"]
