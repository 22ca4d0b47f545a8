"""Demo orders carry the emails the store platform sent, so "why didn't I get an email?" has answers."""

from __future__ import annotations

from shopdesk.notifications.enums import OutboxStatus
from shopdesk.notifications.models import OutboxMessage
from shopdesk.notifications.selectors import emails_for_order
from shopdesk.orders.models import Order
from shopdesk.shipping.models import Shipment


def _order(rows: list[dict[str, object]], situation: str) -> Order:
    number = next(row["number"] for row in rows if situation in row["situations"])  # type: ignore[operator]
    return Order.objects.get(number=number)


def test_every_shipped_package_has_its_shipping_email(loaded_demo_store_60):
    order = _order(loaded_demo_store_60, "split_shipment")
    shipped = Shipment.objects.filter(order=order, shipped_at__isnull=False).count()
    templates = [email.template for email in emails_for_order(order)]
    assert templates.count("confirmation") == 1
    assert templates.count("shipped") == shipped >= 2


def test_history_is_sent_mail_that_the_worker_never_delivers_again(loaded_demo_store_60):
    order = _order(loaded_demo_store_60, "delivered")
    messages = OutboxMessage.objects.filter(order=order)
    assert messages.exists()
    assert set(messages.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert all(message.to == order.email for message in messages)
    assert "delivered" in set(messages.values_list("template", flat=True))


def test_a_declined_order_got_no_confirmation(loaded_demo_store_60):
    order = _order(loaded_demo_store_60, "payment_declined")
    assert "confirmation" not in [email.template for email in emails_for_order(order)]


def test_reset_removes_the_history(demo_store_60):
    from tests.demo.conftest import run_demo

    assert OutboxMessage.objects.exists()
    run_demo("--reset", "--orders", "5", "--seed", "1", "--quiet")
    assert OutboxMessage.objects.count() == OutboxMessage.objects.filter(order__demo__isnull=False).count()
