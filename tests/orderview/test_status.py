from decimal import Decimal

from shopdesk.orders.enums import FulfilmentStatus, PaymentStatus, ReturnStatus
from shopdesk.orderview.status import (
    LineQuantities,
    PaymentFacts,
    fulfilment_status,
    payment_status,
    return_status,
)


def lines(*specs: tuple[int, int, int, int]) -> list[LineQuantities]:
    return [LineQuantities(ordered=o, cancelled=c, returned=r, shipped=s) for o, c, r, s in specs]


def test_nothing_shipped_is_unfulfilled():
    assert fulfilment_status(lines((2, 0, 0, 0)), []) == FulfilmentStatus.UNFULFILLED


def test_some_units_shipped_is_partially_shipped():
    assert fulfilment_status(lines((2, 0, 0, 1)), ["in_transit"]) == FulfilmentStatus.PARTIALLY_SHIPPED
    assert (
        fulfilment_status(lines((1, 0, 0, 1), (1, 0, 0, 0)), ["delivered"])
        == FulfilmentStatus.PARTIALLY_SHIPPED
    )


def test_everything_shipped_then_delivered_package_by_package():
    both = lines((1, 0, 0, 1), (1, 0, 0, 1))
    assert fulfilment_status(both, ["in_transit", "label_created"]) == FulfilmentStatus.SHIPPED
    assert fulfilment_status(both, ["delivered", "in_transit"]) == FulfilmentStatus.PARTIALLY_DELIVERED
    assert fulfilment_status(both, ["delivered", "delivered"]) == FulfilmentStatus.DELIVERED


def test_cancelled_units_do_not_wait_for_shipment():
    assert fulfilment_status(lines((2, 1, 0, 1)), ["delivered"]) == FulfilmentStatus.DELIVERED
    assert fulfilment_status(lines((2, 2, 0, 0)), []) == FulfilmentStatus.CANCELLED


def test_a_returned_parcel_shows_first():
    assert (
        fulfilment_status(lines((1, 0, 0, 1)), ["returned_to_sender"]) == FulfilmentStatus.RETURNED_TO_SENDER
    )


def pay(
    state: str, verification: str = "not_required", captured: str = "0", refunded: str = "0"
) -> PaymentFacts:
    return PaymentFacts(state, verification, Decimal(captured), Decimal(refunded))


def test_payment_status_from_attempts():
    assert payment_status([]) == PaymentStatus.PENDING
    assert payment_status([pay("declined")]) == PaymentStatus.DECLINED
    assert payment_status([pay("declined"), pay("captured", captured="50")]) == PaymentStatus.PAID
    assert payment_status([pay("authorised", "required")]) == PaymentStatus.AWAITING_VERIFICATION
    assert payment_status([pay("authorised")]) == PaymentStatus.AUTHORISED
    assert payment_status([pay("captured", captured="50", refunded="20")]) == PaymentStatus.PARTIALLY_REFUNDED
    assert payment_status([pay("captured", captured="50", refunded="50")]) == PaymentStatus.REFUNDED
    assert payment_status([pay("voided")]) == PaymentStatus.VOIDED


def test_return_status_counts_kept_units():
    assert return_status(lines((2, 0, 0, 2))) == ReturnStatus.NONE
    assert return_status(lines((2, 0, 1, 2))) == ReturnStatus.PARTIALLY_RETURNED
    assert return_status(lines((2, 1, 1, 1))) == ReturnStatus.RETURNED
