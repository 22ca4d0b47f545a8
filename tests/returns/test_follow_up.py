"""Following a return: its steps, "have you received my return?" with the day the refund is expected on the
payment method (the policy's inspection and refund days), and cancelling that ends the steps."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from shopdesk.core.actors import Actor
from shopdesk.payments.models import Payment
from shopdesk.returns.progress import return_received_answer, return_steps
from shopdesk.returns.selectors import return_as_dict, return_of_order
from shopdesk.returns.services import return_cancel
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.returns.follow_fixtures import return_of

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
WEDNESDAY = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)
STORE = Actor.system()


def _states(steps: list[dict]) -> dict[str, str]:
    return {step["step"]: step["state"] for step in steps}


def test_a_return_is_followed_from_request_to_refund_with_the_day_the_money_is_expected():
    with time_machine.travel(MONDAY, tick=False):
        order = delivered_shirt_and_scarf()
        ret = return_of(order, reason="too_small")
        fresh = return_of_order(order=order, rma=ret.rma)
        assert _states(return_steps(fresh)) == {
            "requested": "done",
            "approved": "done",
            "label_issued": "done",
            "in_transit": "current",
            "received": "upcoming",
            "inspected": "upcoming",
            "refunded": "upcoming",
        }
        answer = return_received_answer(fresh, payments=Payment.objects.filter(order=order))
        assert answer["received"] is False and answer["refund_expected_by"] is None
        assert answer["message"].startswith("Not yet: we haven't received the parcel.")
        assert (
            "within 3 business days" in answer["message"]
            and "Visa ending 4242 within 5–10" in answer["message"]
        )
    with time_machine.travel(WEDNESDAY, tick=False):
        return_mark_received(rma=ret.rma, actor=STORE)
        fresh = return_of_order(order=order, rma=ret.rma)
        answer = return_received_answer(fresh, payments=Payment.objects.filter(order=order))
        # Received Wednesday 4 March; inspected within 3 business days (Monday 9); the card takes up to 10
        # business days after that.
        assert answer["received"] is True and answer["received_on"] == "2026-03-04"
        assert answer["refund_expected_by"] == "2026-03-23"
        assert "March 4, 2026" in answer["message"] and "March 23, 2026" in answer["message"]
        assert answer["methods"] == [
            {
                "method": "card",
                "payment": "Visa ending 4242",
                "refund_days": [5, 10],
                "expected_by": "2026-03-23",
            }
        ]
        assert _states(return_steps(fresh))["received"] == "done"
        assert _states(return_steps(fresh))["inspected"] == "current"
        return_inspect(
            rma=ret.rma,
            actor=STORE,
            lines=[InspectionLine(line_id=shirt_line(order).pk, outcome="accepted")],
        )
        body = return_as_dict(return_of_order(order=order, rma=ret.rma))
    assert body["status"] == "refunded"
    assert set(_states(body["steps"]).values()) == {"done"}
    # Refunded on Wednesday 4 March: the card's 10 business days end on Wednesday 18 March.
    assert body["received"]["refund_expected_by"] == "2026-03-18"
    assert "refunded it; expect the money by March 18, 2026." in body["received"]["message"]


def test_a_cancelled_return_skips_the_steps_it_will_never_take():
    order = delivered_shirt_and_scarf()
    ret = return_cancel(
        return_request=return_of(order, reason="too_small"), actor=Actor.customer(order.email)
    )
    body = return_as_dict(return_of_order(order=order, rma=ret.rma))
    states = _states(body["steps"])
    assert states["requested"] == "done" and states["cancelled"] == "done"
    assert states["in_transit"] == states["refunded"] == "skipped"
    assert "cancelled" in body["received"]["message"] and body["cancellable"] is False


def test_a_return_waiting_for_approval_says_so():
    from shopdesk.orders.models import OrderLine

    order = delivered_shirt_and_scarf()
    OrderLine.objects.filter(pk=shirt_line(order).pk).update(unit_price="400.00")
    ret = return_of(order, reason="too_small")
    body = return_as_dict(return_of_order(order=order, rma=ret.rma))
    assert body["status"] == "pending_approval"
    assert _states(body["steps"])["approved"] == "current"
    assert "approves the return first" in body["received"]["message"]


def test_the_return_page_shows_the_steps_and_the_answer(client):
    from tests.web.test_actions import sign_in

    order = delivered_shirt_and_scarf()
    ret = return_of(order, reason="too_small")
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/returns/{ret.rma}/").content.decode()
    assert "Have we received it?" in page and "Not yet: we haven&#x27;t received the parcel." in page
    assert 'data-step="label_issued"' in page and 'aria-current="step"' in page
