"""Order statuses. Fulfilment, payment and return statuses are derived (see status.py), never stored."""

from django.db import models


class FulfilmentStatus(models.TextChoices):
    UNFULFILLED = "unfulfilled", "Not shipped yet"  # nothing has left a warehouse
    PARTIALLY_SHIPPED = "partially_shipped", "Partly shipped"  # some items left, others wait
    SHIPPED = "shipped", "Shipped"  # every item left; not all delivered
    PARTIALLY_DELIVERED = "partially_delivered", "Partly delivered"  # some packages arrived
    DELIVERED = "delivered", "Delivered"  # every package arrived
    RETURNED_TO_SENDER = "returned_to_sender", "Returned to sender"  # a package came back to us
    CANCELLED = "cancelled", "Cancelled"  # every item was cancelled


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Awaiting payment"
    AWAITING_VERIFICATION = (
        "awaiting_verification",
        "Awaiting verification",
    )  # held until the customer verifies
    DECLINED = "declined", "Declined"  # the last attempt was declined and nothing is authorised
    AUTHORISED = "authorised", "Authorised"  # reserved on the card, captured at dispatch
    PAID = "paid", "Paid"
    PARTIALLY_REFUNDED = "partially_refunded", "Partly refunded"
    REFUNDED = "refunded", "Refunded"
    VOIDED = "voided", "Voided"  # authorisation released without capture (cancelled before capture)


class ReturnStatus(models.TextChoices):
    NONE = "none", "No return"
    PARTIALLY_RETURNED = "partially_returned", "Partly returned"
    RETURNED = "returned", "Returned"


class OrderEventKind(models.TextChoices):
    PLACED = "placed", "Order placed"
    IMPORTED = "imported", "Order received from the store"
    UPDATED = "updated", "Order updated by the store"
    CANCELLED = "cancelled", "Order cancelled"
    LINES_CANCELLED = "lines_cancelled", "Items cancelled"
    LINE_CHANGED = "line_changed", "Item changed"
    SHIPPING_ADDRESS_CHANGED = "shipping_address_changed", "Shipping address changed"
    BILLING_ADDRESS_CHANGED = "billing_address_changed", "Billing address changed"
    EMAIL_CHANGE_REQUESTED = "email_change_requested", "Email change requested"
    EMAIL_CHANGED = "email_changed", "Email changed"
    EMAIL_SENT = "email_sent", "Email sent"
    EMAIL_RESENT = "email_resent", "Email sent again"
    SHIPMENT_CREATED = "shipment_created", "Package shipped"
    SHIPMENT_UPDATED = "shipment_updated", "Package tracking updated"
    PAYMENT_UPDATED = "payment_updated", "Payment updated"
    REFUND_CREATED = "refund_created", "Refund issued"
    POINTS_RETURNED = "points_returned", "Points returned"
    PRICE_ADJUSTED = "price_adjusted", "Price difference refunded"
    CASE_OPENED = "case_opened", "Case opened"
    NOTE = "note", "Note"
