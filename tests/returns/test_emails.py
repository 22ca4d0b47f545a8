"""The emails of a return go through the outbox and reach a real SMTP server on loopback: approved with the
slip's link, received with the refund's expected day, the inspection result, the refund line by line, and
the exchange shipped. A repeated request queues no second email."""

from __future__ import annotations

import pytest
from django.test import override_settings

from shopdesk.core.actors import Actor
from shopdesk.notifications.delivery import outbox_deliver
from shopdesk.notifications.models import OutboxMessage
from shopdesk.returns.notices import return_exchange_shipped_notice
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests.notifications.conftest import smtp_server  # noqa: F401 (the loopback SMTP server fixture)
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.returns.follow_fixtures import return_of
from tests.situations import VALID_UPS_NUMBER

pytestmark = pytest.mark.django_db
STORE = Actor.system()


def _text(message) -> str:  # type: ignore[no-untyped-def]
    return next(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )


@override_settings(SHOPDESK_BASE_URL="http://127.0.0.1:8123")
def test_every_step_of_a_return_is_emailed_once_over_smtp(smtp_server):  # noqa: F811
    order = delivered_shirt_and_scarf()
    OutboxMessage.objects.all().delete()
    ret = return_of(order, reason="too_small")
    return_mark_received(rma=ret.rma, actor=STORE)
    return_mark_received(rma=ret.rma, actor=STORE)  # a repeat: no second email
    line = shirt_line(order).pk
    outcome = [InspectionLine(line_id=line, outcome="deducted", reason="tags missing")]
    return_inspect(rma=ret.rma, actor=STORE, lines=outcome)
    return_inspect(rma=ret.rma, actor=STORE, lines=outcome)  # a replay: no second email
    return_exchange_shipped_notice(
        return_request=ret,
        items=[{"quantity": 1, "name": "Linen shirt (L)"}],
        tracking_number=VALID_UPS_NUMBER,
        carrier="ups",
    )
    templates = list(OutboxMessage.objects.order_by("id").values_list("template", flat=True))
    assert templates == [
        "return_approved",
        "return_received",
        "return_inspected",
        "return_refunded",
        "return_exchange_shipped",
    ]
    report = outbox_deliver(batch=10)
    assert report.sent == 5
    received = {message["Subject"]: message for message in smtp_server.received}
    assert all(message["To"] == order.email for message in received.values())

    approved = _text(received[f"Your return {ret.rma} is approved"])
    slip = f"http://127.0.0.1:8123/orders/{order.number}/returns/{ret.rma}/slip/"
    assert slip in approved and "1 x Linen shirt" in approved and "prepaid label" in approved

    got = _text(received[f"We received your return {ret.rma}"])
    assert "We inspect returns within 3 business days" in got and "expect your refund by" in got

    inspected = _text(received[f"We inspected your return {ret.rma}"])
    assert "1 x Linen shirt: accepted with a deduction of $4.90 (tags missing)." in inspected

    refunded = _text(received[f"Your refund for return {ret.rma} is on its way"])
    assert "Deduction on Linen shirt (tags missing): -$4.90" in refunded
    assert "Return label" in refunded and "Expect the money by" in refunded

    exchange = _text(received[f"Your exchange for return {ret.rma} is on its way"])
    assert "1 x Linen shirt (L)" in exchange and VALID_UPS_NUMBER in exchange


def test_a_rejected_item_is_explained_and_no_refund_email_goes_out():
    order = delivered_shirt_and_scarf()
    ret = return_of(order, reason="too_small")
    return_mark_received(rma=ret.rma, actor=STORE)
    return_inspect(
        rma=ret.rma,
        actor=STORE,
        lines=[InspectionLine(line_id=shirt_line(order).pk, outcome="rejected", reason="worn")],
    )
    inspected = OutboxMessage.objects.get(template="return_inspected")
    assert "not accepted (worn); nothing is refunded for it." in inspected.body_text
    assert "nothing to refund" in inspected.body_text
    assert not OutboxMessage.objects.filter(template="return_refunded").exists()


def test_a_return_waiting_for_approval_is_emailed_when_an_agent_approves_it():
    from shopdesk.orders.models import OrderLine
    from shopdesk.returns.services import return_decide

    order = delivered_shirt_and_scarf()
    OrderLine.objects.filter(pk=shirt_line(order).pk).update(unit_price="400.00")
    ret = return_of(order, reason="too_small")
    assert not OutboxMessage.objects.filter(template="return_approved").exists()
    return_decide(return_request=ret, actor=Actor.agent("ana@desk.example", "agent"), approve=True)
    assert OutboxMessage.objects.filter(template="return_approved", to=order.email).count() == 1
