"""Returns on an order paid partly with store credit: the inspection pays the card's share to the provider
and the store-credit share back as store credit at once, one ledger entry per credit refund, never twice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.api.auth import token_create
from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.payments.enums import RefundDestination, RefundStatus
from shopdesk.payments.models import Payment, Refund, StoreCreditEntry
from shopdesk.payments.order_facts import order_facts
from shopdesk.payments.store_credit import store_credit_balance
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.progress import return_received_answer
from shopdesk.returns.refund_estimate import ReturnedUnits, return_plans
from shopdesk.returns.refund_explanations import refunds_of_return
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from shopdesk.selfservice.actions.returns import ReturnStartAction
from tests.orders.test_services_states import scarf_line, shirt_line
from tests.returns.conftest import delivered_paid_by_card_and_store_credit

pytestmark = pytest.mark.django_db
BASE = "/api/v1/customer/orders"
STORE = Actor.integration("warehouse")


def _post(client: Client, url: str, body: dict, headers: dict[str, str]):
    return client.post(url, body, content_type="application/json", **headers)


def _customer(order: Order) -> dict[str, str]:
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def _paid_back(order: Order) -> dict[str, Decimal]:
    return {p.method: p.amount_refunded for p in Payment.objects.filter(order=order)}


def _by_destination(order: Order) -> dict[str, list[Refund]]:
    found: dict[str, list[Refund]] = {}
    for refund in Refund.objects.filter(order=order).order_by("pk"):
        found.setdefault(refund.destination, []).append(refund)
    return found


def _two_shirts_inspected(client: Client, order: Order, line: dict) -> tuple[str, dict, dict]:
    """Two shirts started by the owner, received and inspected by the warehouse through the store API."""
    store = {"HTTP_AUTHORIZATION": f"Bearer {token_create(name='warehouse').secret}"}
    body = {
        "lines": [{"line_id": shirt_line(order).pk, "quantity": 2, "reason": "too_small"}],
        "method": "label",
    }
    started = _post(client, f"{BASE}/{order.number}/returns", body, _customer(order))
    assert started.status_code == 201, started.content
    rma = started.json()["rma"]
    received = _post(client, f"/api/v1/store/returns/{rma}/received", {}, store)
    assert received.status_code == 200 and received.json()["status"] == "received"
    inspection = {"lines": [{"line_id": shirt_line(order).pk, **line}]}
    done = _post(client, f"/api/v1/store/returns/{rma}/inspection", inspection, store)
    assert done.status_code == 201, done.content
    again = _post(client, f"/api/v1/store/returns/{rma}/inspection", inspection, store)
    assert again.status_code == 200, again.content
    return rma, done.json(), again.json()


@pytest.mark.parametrize(
    ("line", "total", "credit_share"),
    [
        # Two shirts $98, less their $10 coupon share, less the $6.95 label: $81.05; the card's $20 first.
        ({"outcome": "accepted", "reason": ""}, "81.05", "61.05"),
        # The same less $4.90 for missing tags: $76.15.
        ({"outcome": "deducted", "deduction": "4.90", "reason": "tags missing"}, "76.15", "56.15"),
    ],
)
def test_the_inspection_pays_the_card_share_to_the_provider_and_the_rest_as_store_credit_once(
    client: Client, line: dict, total: str, credit_share: str
):
    order = delivered_paid_by_card_and_store_credit("20.00")

    rma, done, again = _two_shirts_inspected(client, order, line)

    assert done["status"] == "refunded" and done["refund"]["total"] == total
    assert _paid_back(order) == {"card": Decimal("20.00"), "store_credit": Decimal(credit_share)}
    refunds = _by_destination(order)
    (card,) = refunds[RefundDestination.ORIGINAL_PAYMENT]
    (credit,) = refunds[RefundDestination.STORE_CREDIT]
    assert (card.amount, card.status) == (Decimal("20.00"), RefundStatus.PENDING)  # the provider's to settle
    assert (credit.amount, credit.status) == (Decimal(credit_share), RefundStatus.SUCCEEDED)
    assert sorted(done["refund"]["refund_ids"]) == sorted([card.pk, credit.pk])
    entry = StoreCreditEntry.objects.get(customer=order.customer)
    assert (entry.refund_id, entry.amount, entry.order_id) == (credit.pk, Decimal(credit_share), order.pk)
    assert store_credit_balance(customer=order.customer) == Decimal(credit_share)
    assert f"${credit_share} is added to your store credit straight away" in done["refund"]["sentence"]
    assert "$20.00 goes back to your Visa ending 4242" in done["refund"]["sentence"]
    assert done["refund"]["expected_by"]  # the card's days; the credit is there already

    # The same inspection sent again answers the same and adds nothing.
    assert again["refund"] == done["refund"]
    assert Refund.objects.filter(order=order).count() == 2
    assert StoreCreditEntry.objects.filter(customer=order.customer).count() == 1
    assert store_credit_balance(customer=order.customer) == Decimal(credit_share)

    # The refund explainer says where each part went.
    explained = {r["id"]: r["explanation"] for r in refunds_of_return(ReturnRequest.objects.get(rma=rma))}
    assert f"Refunded ${credit_share} to your store credit" in explained[credit.pk]
    assert "The refund is done." in explained[credit.pk]
    assert "Refunded $20.00 to your Visa ending 4242" in explained[card.pk]


def test_a_return_the_store_credit_covers_alone_has_no_expected_day():
    order = delivered_paid_by_card_and_store_credit("0.01")
    order.payments.filter(method="card").update(amount_refunded=Decimal("0.01"))  # nothing left on it
    done = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(scarf_line(order).pk, 1, "defective")],
        method="own_carrier",
    )
    rma = done.return_request.rma
    return_mark_received(rma=rma, actor=STORE)

    result = return_inspect(
        rma=rma, actor=STORE, lines=[InspectionLine(scarf_line(order).pk, "accepted", "", None)]
    )

    assert result.data["refund"]["expected_by"] is None
    (credit,) = Refund.objects.filter(order=order)
    assert (credit.destination, credit.status) == (RefundDestination.STORE_CREDIT, RefundStatus.SUCCEEDED)
    assert StoreCreditEntry.objects.get(refund=credit).amount == credit.amount == Decimal("30.00")


def test_the_estimate_says_the_store_credit_share_goes_back_to_store_credit():
    order = delivered_paid_by_card_and_store_credit("20.00")
    units = [ReturnedUnits(shirt_line(order), 2, "too_small")]

    plans = return_plans(order=order, facts=order_facts(order), units=units, method="label")
    preview = ReturnStartAction().preview(
        order=order,
        actor=Actor.customer(order.email),
        params={
            "lines": [{"line_id": shirt_line(order).pk, "quantity": 2, "reason": "too_small"}],
            "method": "label",
        },
    )

    assert "$61.05 is added to your store credit straight away" in plans.refund.sentence()
    assert "About $81.05 would come back after inspection." in preview.message
    assert "$61.05 is added to your store credit" in preview.message
    assert "$20.00 goes back to your Visa ending 4242" in preview.message
    assert not Refund.objects.exists() and not StoreCreditEntry.objects.exists()


def test_a_store_credit_resolution_on_a_mixed_order_still_issues_its_credit_once():
    order = delivered_paid_by_card_and_store_credit("20.00")
    done = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(scarf_line(order).pk, 1, "defective", resolution="store_credit")],
        method="own_carrier",
    )
    rma = done.return_request.rma
    return_mark_received(rma=rma, actor=STORE)
    lines = [InspectionLine(scarf_line(order).pk, "accepted", "", None)]

    result = return_inspect(rma=rma, actor=STORE, lines=lines)
    return_inspect(rma=rma, actor=STORE, lines=lines)

    assert result.data["store_credit"] is not None
    (credit,) = Refund.objects.filter(order=order)
    assert credit.destination == RefundDestination.STORE_CREDIT
    entry = StoreCreditEntry.objects.get(customer=order.customer)
    assert entry.refund_id == credit.pk
    assert Decimal(result.data["store_credit"]["issued"]) == credit.amount == entry.amount


def test_the_received_answer_counts_days_only_for_the_card():
    order = delivered_paid_by_card_and_store_credit("20.00")
    done = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(shirt_line(order).pk, 2, "too_small")],
        method="label",
    )
    payments = Payment.objects.filter(order=order)

    waiting = return_received_answer(ReturnRequest.objects.get(pk=done.return_request.pk), payments=payments)
    return_mark_received(rma=done.return_request.rma, actor=STORE)
    received = return_received_answer(ReturnRequest.objects.get(pk=done.return_request.pk), payments=payments)

    assert "Visa ending 4242 within 5–10 business days; store credit straight away" in waiting["message"]
    by_method = {m["method"]: m for m in received["methods"]}
    assert by_method["store_credit"]["expected_by"] is None
    assert by_method["card"]["expected_by"] == received["refund_expected_by"] is not None
