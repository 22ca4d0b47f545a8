"""The situations a demo order can be in: `shopdesk demo --list` prints them, tests look orders up by them.

One order may be in several situations (a split shipment that is also partly delivered).
"""

from django.db import models


class Situation(models.TextChoices):
    UNFULFILLED = "unfulfilled", "Paid, nothing shipped yet (cancellable, changeable)"
    RECENT_CHANGEABLE = "recent_changeable", "Placed within the change window"
    PARTIALLY_SHIPPED = "partially_shipped", "Some items shipped, others still in the warehouse"
    SPLIT_SHIPMENT = "split_shipment", "Two or three packages from different warehouses"
    IN_TRANSIT = "in_transit", "On its way, tracking up to date"
    DELIVERED = "delivered", "Every package delivered"
    DELIVERY_ATTEMPTED = "delivery_attempted", "The carrier could not deliver: nobody at the address"
    RETURNED_TO_SENDER = "returned_to_sender", "A package came back to the warehouse (with a reason)"
    STALE_TRACKING = "stale_tracking", "No scan for longer than the policy's stale threshold"
    LOST = "lost", "No scan for longer than the policy's lost threshold"
    LATE = "late", "Past the latest expected delivery date, still moving"
    TRACKING_NOT_ACTIVE = "tracking_not_active", "Label created, not yet scanned by the carrier"
    HELD_AT_CUSTOMS = "held_at_customs", "Held at customs with duties to pay on delivery"
    PAYMENT_DECLINED = "payment_declined", "The payment was declined (decline code)"
    PAYMENT_VERIFICATION = "payment_verification", "The payment waits for the customer's verification"
    DECLINED_WITH_PAY_LINK = "declined_with_pay_link", "Declined, and the store gave a link to pay again"
    VERIFICATION_OVERDUE = (
        "verification_overdue",
        "Awaiting verification past its deadline (the job acts next)",
    )
    PAID_WITH_POINTS = "paid_with_points", "Paid partly with points"
    POINTS_PENDING = "points_pending", "Points earned on it are still pending (usable from a date)"
    POINTS_EXPIRING = "points_expiring", "Its customer has points that expire within the next weeks"
    STACKED_COUPONS = "stacked_coupons", "Two coupons applied together"
    PRICE_DROPPED = "price_dropped", "An item's price dropped since purchase"
    FINAL_SALE_ITEM = "final_sale_item", "Has a final-sale item"
    NON_RETURNABLE_ITEM = "non_returnable_item", "Has a hygiene or custom-made item"
    CANCELLED = "cancelled", "Cancelled and refunded"
    REFUNDED_PARTIALLY = "refunded_partially", "Part of the order was refunded"
    INTERNATIONAL = "international", "Ships across a border"
    DUTIES_PAID_BY_STORE = "duties_paid_by_store", "Destination where the store pays duties"
    DUTIES_ON_DELIVERY = "duties_on_delivery", "Destination where duties are collected on delivery"
    RETURN_WINDOW_OPEN = "return_window_open", "Delivered within the return window"
    RETURN_WINDOW_CLOSED = "return_window_closed", "Delivered longer ago than the return window"
    PRICE_ADJUSTMENT_ELIGIBLE = (
        "price_adjustment_eligible",
        "An item is cheaper now: the difference can come back",
    )
    PRICE_ADJUSTMENT_INELIGIBLE = (
        "price_adjustment_ineligible",
        "An item is cheaper now, but the policy refuses the adjustment (flash sale, window…)",
    )
