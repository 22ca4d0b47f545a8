"""The intent ids of the assistant's contract, in the contract's order: the classifier reports one of these,
and the conversation engine has a flow for each (a general answer, a self-service flow, or a conversation
intent). Evaluation sets are labelled with them, so an id is never renamed or removed.
"""

from __future__ import annotations

ORDER_INTENTS = (
    "track_order",
    "ordering_help",
    "shipping_time",
    "change_order",
    "delivery_email_missing",
    "cancel_order",
    "change_billing_address",
    "confirmation_email_missing",
)
SHIPPING_INTENTS = (
    "shipping_info",
    "shipping_destinations",
    "package_not_received",
    "package_returned",
    "split_shipment",
    "tracking_not_updated",
    "not_at_address",
    "shipping_fees",
    "customs_duties",
    "tracking_invalid",
    "shipping_address",
)
RETURN_AND_REFUND_INTENTS = (
    "return_policy",
    "guarantees",
    "refund_timing",
    "return_item",
    "refund_wrong",
    "non_returnable",
    "partial_refund",
    "return_received",
)
PAYMENT_POINTS_PROMOTION_INTENTS = (
    "payment_methods",
    "payment_declined",
    "payment_verification",
    "pay_with_points",
    "coupon_stacking",
    "points_refund_timing",
    "price_adjustment",
    "promo_code_problem",
)
COMPANY_INTENTS = (
    "terms_of_use",
    "privacy_policy",
    "copyright",
    "contact_support",
    "about_us",
    "ships_from",
    "wholesale",
    "new_arrivals",
)
CONVERSATION_INTENTS = ("greeting", "goodbye", "out_of_scope")

CONTRACT_INTENTS: tuple[str, ...] = (
    *ORDER_INTENTS,
    *SHIPPING_INTENTS,
    *RETURN_AND_REFUND_INTENTS,
    *PAYMENT_POINTS_PROMOTION_INTENTS,
    *COMPANY_INTENTS,
    *CONVERSATION_INTENTS,
)
