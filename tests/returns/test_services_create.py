"""Starting a return: one RMA per request, replays by Idempotency-Key, two tabs make one return."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict, InvalidInput
from shopdesk.orders.models import OrderLine
from shopdesk.returns.enums import ReturnStatus
from shopdesk.returns.errors import ReturnLinesRefused
from shopdesk.returns.models import ReturnEvent, ReturnRequest
from shopdesk.returns.services import ReturnLineRequest, return_cancel, return_create, return_transition
from tests.orders.test_services_states import scarf_line, shirt_line

pytestmark = pytest.mark.django_db


def _start(order, lines, *, key=None, method="label"):
    return return_create(
        order=order, actor=Actor.customer(order.email), lines=lines, method=method, idempotency_key=key
    )


def test_a_return_is_approved_at_once_with_an_estimate_from_the_breakdown(delivered_order):
    order = delivered_order
    done = _start(order, [ReturnLineRequest(line_id=shirt_line(order).pk, quantity=1, reason="too_small")])
    assert done.data["status"] == "approved" and done.data["rma"].startswith("RMA-")
    estimate = done.data["refund_estimate"]
    kinds = [line["kind"] for line in estimate["lines"]]
    # One shirt: $49, minus half its $10 coupon share, minus the $6.95 label (too small is not free).
    assert kinds == ["item", "coupon_share", "return_label"]
    assert Decimal(estimate["total"]) == Decimal("49.00") - Decimal("5.00") - Decimal("6.95")
    assert sum(Decimal(line["amount"]) for line in estimate["lines"]) == Decimal(estimate["total"])
    events = list(
        ReturnEvent.objects.filter(return_request=done.return_request).values_list("kind", "to_status")
    )
    assert events == [("created", "requested"), ("status_changed", "approved")]


def test_a_free_return_reason_has_no_label_fee(delivered_order):
    order = delivered_order
    done = _start(order, [ReturnLineRequest(line_id=scarf_line(order).pk, quantity=1, reason="defective")])
    assert [line["kind"] for line in done.data["refund_estimate"]["lines"]] == ["item"]
    assert done.data["refund_estimate"]["total"] == "30.00"


def test_the_same_key_replays_the_first_answer_and_makes_one_rma(delivered_order):
    order = delivered_order
    lines = [ReturnLineRequest(line_id=scarf_line(order).pk, quantity=1, reason="too_big")]
    first = _start(order, lines, key="k-1")
    again = _start(order, lines, key="k-1")
    assert again.replayed and again.data == first.data
    assert ReturnRequest.objects.filter(order=order).count() == 1


def test_the_same_key_with_another_body_is_a_conflict(delivered_order):
    order = delivered_order
    _start(order, [ReturnLineRequest(line_id=scarf_line(order).pk, quantity=1, reason="too_big")], key="k-2")
    with pytest.raises(Conflict) as error:
        _start(
            order, [ReturnLineRequest(line_id=shirt_line(order).pk, quantity=1, reason="too_big")], key="k-2"
        )
    assert error.value.code == "idempotency_key_reused"


def test_two_tabs_returning_the_same_line_make_one_return(delivered_order):
    order = delivered_order
    lines = [ReturnLineRequest(line_id=scarf_line(order).pk, quantity=1, reason="too_big")]
    _start(order, lines, key="tab-1")
    with pytest.raises(ReturnLinesRefused) as refused:
        _start(order, lines, key="tab-2")
    assert refused.value.problems[0]["field"] == "lines[0]"
    assert refused.value.problems[0]["code"] == "return_in_progress"
    assert ReturnRequest.objects.filter(order=order).count() == 1


def test_an_ineligible_line_refuses_the_whole_request_and_names_it(delivered_order):
    order = delivered_order
    OrderLine.objects.filter(pk=scarf_line(order).pk).update(return_flags=["final_sale"])
    with pytest.raises(ReturnLinesRefused) as refused:
        _start(
            order,
            [
                ReturnLineRequest(line_id=shirt_line(order).pk, quantity=1, reason="too_big"),
                ReturnLineRequest(line_id=scarf_line(order).pk, quantity=1, reason="too_big"),
            ],
        )
    assert refused.value.problems == [
        {"field": "lines[1]", "code": "final_sale", "message": refused.value.problems[0]["message"]}
    ]
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ({"quantity": 3, "reason": "too_big"}, "quantity_too_high"),
        ({"quantity": 1, "reason": "no_such_reason"}, "unknown_reason"),
        ({"quantity": 1, "reason": "too_big", "resolution": "exchange"}, "exchange_sku_missing"),
        (
            {"quantity": 1, "reason": "too_big", "resolution": "exchange", "exchange_sku": "NOPE"},
            "exchange_sku_unknown",
        ),
        ({"quantity": 1, "reason": "too_big", "resolution": "keep"}, "keep_not_offered"),
        ({"quantity": 1, "reason": "too_big", "exchange_sku": "X-1"}, "exchange_sku_unexpected"),
    ],
)
def test_bad_lines_are_422_with_their_code(delivered_order, line, code):
    order = delivered_order
    with pytest.raises(InvalidInput) as error:
        _start(order, [ReturnLineRequest(line_id=shirt_line(order).pk, **line)])
    assert isinstance(error.value, ReturnLinesRefused)
    assert error.value.as_dict()["fields"][0]["code"] == code
    assert not ReturnRequest.objects.exists()


def test_a_return_above_the_threshold_waits_for_approval(delivered_order):
    order = delivered_order
    OrderLine.objects.filter(pk=shirt_line(order).pk).update(unit_price=Decimal("400.00"))
    done = _start(order, [ReturnLineRequest(line_id=shirt_line(order).pk, quantity=1, reason="too_big")])
    assert done.data["status"] == ReturnStatus.PENDING_APPROVAL
    assert "approves" in done.data["message"]


def test_transitions_outside_the_table_are_refused_and_leave_no_event(delivered_order):
    order = delivered_order
    done = _start(order, [ReturnLineRequest(line_id=scarf_line(order).pk, quantity=1, reason="too_big")])
    before = ReturnEvent.objects.count()
    with pytest.raises(Conflict) as error:
        return_transition(
            return_request=done.return_request,
            to_status=ReturnStatus.REFUNDED,
            actor=Actor.system(),
            now=done.return_request.created_at,
        )
    assert error.value.code == "return_transition_not_allowed"
    assert ReturnEvent.objects.count() == before
    done.return_request.refresh_from_db()
    assert done.return_request.status == ReturnStatus.APPROVED


def test_the_customer_cancels_a_return_before_it_leaves_and_the_items_become_returnable(delivered_order):
    order = delivered_order
    lines = [ReturnLineRequest(line_id=scarf_line(order).pk, quantity=1, reason="too_big")]
    done = _start(order, lines)
    cancelled = return_cancel(return_request=done.return_request, actor=Actor.customer(order.email))
    assert cancelled.status == ReturnStatus.CANCELLED
    assert _start(order, lines).data["status"] == ReturnStatus.APPROVED


def test_an_agent_approves_a_pending_return_and_a_customer_can_not(delivered_order):
    from shopdesk.core.errors import NotEligible
    from shopdesk.returns.services import return_decide

    order = delivered_order
    OrderLine.objects.filter(pk=shirt_line(order).pk).update(unit_price=Decimal("400.00"))
    done = _start(order, [ReturnLineRequest(line_id=shirt_line(order).pk, quantity=1, reason="too_big")])
    with pytest.raises(NotEligible):
        return_decide(return_request=done.return_request, actor=Actor.customer(order.email), approve=True)
    decided = return_decide(return_request=done.return_request, actor=Actor.agent("ann"), approve=True)
    assert decided.status == ReturnStatus.APPROVED
    last = ReturnEvent.objects.filter(return_request=decided).last()
    assert (last.from_status, last.to_status, last.actor_label) == ("pending_approval", "approved", "ann")
    with pytest.raises(NotEligible):  # decided already: refusing now is not possible
        return_decide(return_request=decided, actor=Actor.agent("ann"), approve=False)


def test_the_admin_lists_returns(admin_client, delivered_order):
    order = delivered_order
    done = _start(order, [ReturnLineRequest(line_id=scarf_line(order).pk, quantity=1, reason="too_big")])
    page = admin_client.get("/admin/returns/returnrequest/")
    assert page.status_code == 200 and done.data["rma"] in page.content.decode()
    detail = admin_client.get(f"/admin/returns/returnrequest/{done.return_request.pk}/change/")
    assert detail.status_code == 200
