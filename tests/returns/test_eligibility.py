"""Per-line return eligibility: each stable code with its sentence, and each line's last return day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order, OrderLine
from shopdesk.returns.eligibility import order_returnability, return_start_eligibility
from shopdesk.returns.services import ReturnLineRequest, return_create
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf

pytestmark = pytest.mark.django_db


def _scarf_sent_back(order):
    return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(line_id=scarf_line(order).pk, quantity=1, reason="too_big")],
        method="label",
    )


def _answer(order, line):
    return next(a for a in order_returnability(order=order) if a.line.pk == line.pk)


@pytest.mark.parametrize(
    ("flag", "words", "faulty_only"),
    [
        ("final_sale", "Final Sale", False),
        ("hygiene", "hygiene", True),
        ("custom_made", "made for you", True),
        ("gift_card", "Gift cards", False),
    ],
)
def test_a_non_returnable_flag_refuses_the_line_with_the_policy_reason(flag, words, faulty_only):
    order = delivered_shirt_and_scarf()
    OrderLine.objects.filter(pk=scarf_line(order).pk).update(return_flags=[flag])
    answer = _answer(order, scarf_line(order))
    assert not answer.eligibility.allowed
    assert answer.eligibility.code == flag
    assert words in answer.eligibility.message and "Wool scarf" in answer.eligibility.message
    assert answer.faulty_only is faulty_only and answer.units == (1 if faulty_only else 0)
    assert _answer(order, shirt_line(order)).eligibility.code == "returnable"


def test_an_item_not_delivered_yet_cannot_go_back():
    order = paid_order_of_shirt_and_scarf()
    answer = _answer(order, shirt_line(order))
    assert (answer.eligibility.allowed, answer.eligibility.code, answer.last_day) == (
        False,
        "not_delivered",
        None,
    )
    assert return_start_eligibility(order=order).code == "not_delivered"


def test_the_window_closes_thirty_days_after_delivery():
    order = delivered_shirt_and_scarf(delivered_days_ago=31)
    answer = _answer(order, shirt_line(order))
    assert answer.eligibility.code == "window_expired"
    assert "30 days after delivery" in answer.eligibility.message
    assert answer.last_day is not None and answer.last_day < timezone.localdate()


def test_each_returnable_line_names_its_last_day():
    order = delivered_shirt_and_scarf(delivered_days_ago=3)
    answer = _answer(order, shirt_line(order))
    assert answer.eligibility.allowed and answer.units == 2
    expected = (timezone.now() - dt.timedelta(days=3)).date() + dt.timedelta(days=30)
    assert abs((answer.last_day - expected).days) <= 1  # the store's time zone may be a day behind UTC
    assert "until" in answer.eligibility.message


def test_units_already_returned_are_refused_as_already_returned():
    order = delivered_shirt_and_scarf()
    OrderLine.objects.filter(pk=scarf_line(order).pk).update(quantity_returned=1)
    assert _answer(order, scarf_line(order)).eligibility.code == "already_returned"


def test_units_in_an_open_return_are_refused_as_return_in_progress():
    order = delivered_shirt_and_scarf()
    _scarf_sent_back(order)
    answer = _answer(order, scarf_line(order))
    assert answer.eligibility.code == "return_in_progress"
    # One of the two shirts in a return leaves the other returnable.
    return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(line_id=shirt_line(order).pk, quantity=1, reason="too_big")],
        method="label",
    )
    shirt = _answer(order, shirt_line(order))
    assert shirt.eligibility.allowed and shirt.units == 1


def test_a_line_above_the_approval_threshold_stays_returnable_with_needs_approval(settings):
    order = delivered_shirt_and_scarf()
    OrderLine.objects.filter(pk=shirt_line(order).pk).update(unit_price=Decimal("400.00"))
    answer = _answer(order, shirt_line(order))
    assert answer.eligibility.allowed and answer.eligibility.needs_approval
    assert answer.eligibility.code == "needs_approval"
    assert return_start_eligibility(order=order).needs_approval


def test_a_cancelled_order_has_nothing_to_return():
    order = delivered_shirt_and_scarf()
    order.cancelled_at = timezone.now()
    order.save()
    assert return_start_eligibility(order=order).code == "order_cancelled"


def test_a_hygiene_item_that_arrived_faulty_goes_back_after_approval():
    from shopdesk.core.errors import InvalidInput
    from shopdesk.returns.enums import ReturnStatus

    order = delivered_shirt_and_scarf()
    OrderLine.objects.filter(pk=scarf_line(order).pk).update(return_flags=["hygiene"])
    actor = Actor.customer(order.email)
    line = scarf_line(order).pk
    with pytest.raises(InvalidInput) as refused:
        return_create(
            order=order,
            actor=actor,
            lines=[ReturnLineRequest(line_id=line, quantity=1, reason="too_big")],
            method="label",
        )
    assert refused.value.as_dict()["fields"][0]["code"] == "hygiene"
    done = return_create(
        order=order,
        actor=actor,
        lines=[ReturnLineRequest(line_id=line, quantity=1, reason="defective")],
        method="label",
    )
    assert done.data["status"] == ReturnStatus.PENDING_APPROVAL


def test_the_answers_take_three_reads_and_each_line_holds_the_order():
    order = delivered_shirt_and_scarf()
    _scarf_sent_back(order)
    order = Order.objects.get(pk=order.pk)
    with CaptureQueriesContext(connection) as captured:
        answers = order_returnability(order=order)
        assert all(answer.line.order is order for answer in answers)
    assert len(captured.captured_queries) == 3  # lines, deliveries, units in open returns
    codes = {answer.line.pk: answer.eligibility.code for answer in answers}
    assert codes == {shirt_line(order).pk: "returnable", scarf_line(order).pk: "return_in_progress"}
    prefetched = Order.objects.prefetch_related("lines").get(pk=order.pk)
    with CaptureQueriesContext(connection) as captured:
        again = order_returnability(order=prefetched)
    assert len(captured.captured_queries) == 2  # the caller's lines are used as they are
    assert [(a.line.pk, a.eligibility.code, a.units) for a in again] == [
        (a.line.pk, a.eligibility.code, a.units) for a in answers
    ]
