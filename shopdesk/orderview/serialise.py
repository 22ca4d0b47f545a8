"""The order page as JSON: the API's answer, and what the assistant and the desk send to their clients."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.diagnoses.types import jsonable
from shopdesk.orderview.types import OrderPage, Price
from shopdesk.payments.selectors import refunds_for_order
from shopdesk.returns.refund_explanations import refunds_explained


def order_page_as_dict(page: OrderPage) -> dict[str, Any]:
    totals = page.totals
    return jsonable(
        {
            "number": page.number,
            "placed_at": page.placed_at,
            "email": page.email,
            "currency": page.currency,
            "summary": page.summary,
            "status": {
                "fulfilment": page.fulfilment_status,
                "fulfilment_label": page.fulfilment_label,
                "payment": page.payment_status,
                "payment_label": page.payment_label,
                "returns": page.return_status,
            },
            "lines": [
                {
                    "id": line.id,
                    "product_name": line.product_name,
                    "sku": line.sku,
                    "size": line.size,
                    "colour": line.colour,
                    "quantity": line.quantity,
                    "quantity_cancelled": line.quantity_cancelled,
                    "quantity_returned": line.quantity_returned,
                    "quantity_refunded": line.quantity_refunded,
                    "quantity_shipped": line.quantity_shipped,
                    "unit_price": line.unit_price.as_dict(),
                    "amount": line.amount.as_dict(),
                    "last_return_day": line.last_return_day,
                }
                for line in page.lines
            ],
            # The order as it stands: items − discounts + shipping + tax + duties + adjustment = total;
            # total − points_value = paid_by_money; then what the payment methods were charged and refunded.
            "totals": {
                "items": totals.items.as_dict(),
                "discounts": totals.discounts.as_dict(),
                "shipping": totals.shipping.as_dict(),
                "tax": totals.tax.as_dict(),
                "duties": totals.duties.as_dict(),
                "adjustment": totals.adjustment.as_dict(),
                "total": totals.total.as_dict(),
                "points_used": totals.points_used,
                "points_value": totals.points_value.as_dict(),
                "points_returned": totals.points_returned,
                "paid_by_money": totals.paid_by_money.as_dict(),
                "charged": totals.charged.as_dict(),
                "on_hold": totals.on_hold.as_dict(),
                "refunded": totals.refunded.as_dict(),
                "net_paid": totals.net_paid.as_dict(),
            },
            # The codes applied, in order, each with what it saved.
            "coupons": [coupon.as_dict() for coupon in page.coupons],
            "shipping_address": page.shipping_address,
            "billing_address": page.billing_address,
            "shipping_method": {"code": page.shipping_method, "name": page.shipping_method_name},
            "payment": None
            if page.payment is None
            else {
                "method": page.payment.method,
                "method_name": page.payment.method_name,
                "card_brand": page.payment.card_brand,
                "card_last4": page.payment.card_last4,
                "status": page.payment.status,
                "status_label": page.payment.status_label,
                "refunded": page.payment.refunded.as_dict(),
            },
            "payment_issue": _payment_issue(page),
            "unshipped": {
                "ship_by": page.ship_by,
                "ships_from": page.ship_from_name,
                "expected": page.expected.as_dict() if page.expected else None,
            },
            "packages": [
                {
                    "id": p.id,
                    "position": p.position,
                    "carrier": p.carrier,
                    "carrier_name": p.carrier_name,
                    "tracking_number": p.tracking_number,
                    "tracking_url": p.tracking_url,
                    "origin_warehouse": p.origin_warehouse,
                    "origin_name": p.origin_name,
                    "status": p.status,
                    "status_label": p.status_label,
                    "shipped_at": p.shipped_at,
                    "delivered_at": p.delivered_at,
                    "last_event_at": p.last_event_at,
                    "expected": p.window.as_dict() if p.window else None,
                    "lines": [
                        {
                            "line": pl.line_id,
                            "product_name": pl.product_name,
                            "size": pl.size,
                            "colour": pl.colour,
                            "quantity": pl.quantity,
                        }
                        for pl in p.lines
                    ],
                    "events": [
                        {
                            "occurred_at": e.occurred_at,
                            "status": e.status,
                            "status_label": e.status_label,
                            "location": e.location,
                            "description": e.description,
                        }
                        for e in p.events
                    ],
                    "cases": [c.reference for c in p.cases],
                }
                for p in page.packages
            ],
            "cases": [
                {
                    "reference": c.reference,
                    "kind": c.kind,
                    "status": c.status,
                    "shipment": c.shipment_id,
                    "opened_at": c.opened_at,
                }
                for c in page.cases
            ],
            "diagnoses": [d.as_dict() for d in page.diagnoses],
            "actions": {name: eligibility.as_dict() for name, eligibility in page.actions.items()},
        }
    )


def _payment_issue(page: OrderPage) -> dict[str, Any]:
    """Why the payment was declined or is being checked, and what to do (payments/declines.py,
    payments/verification_selectors.py). The pay link itself comes from the `pay_again` action."""
    declined, check = page.declined, page.verification
    return {
        "declined": None
        if declined is None
        else {
            "code": declined.code,
            "reason": declined.reason,
            "attempts": declined.attempts,
            "charged": declined.charged,
            "hold": Price.of(declined.hold, page.currency, page.locale).as_dict(),
            "hold_released_by": declined.hold_released_by,
            "money_message": declined.money_message,
            "next_step": declined.next_step,
            "can_pay_again": declined.can_pay_again,
        },
        "verification": None
        if check is None
        else {
            "status": check.status,
            "status_label": check.status_label,
            "reasons": [
                {"code": code, "message": message}
                for code, message in zip(check.reasons, check.reason_sentences, strict=False)
            ],
            "deadline": check.deadline,
            "overdue": check.overdue,
            "next_step": check.step,
            "submitted_at": check.submitted_at,
            "outcome": check.outcome,
        },
    }


def order_view_json(order: Order) -> bytes:
    """The customer API's answer for an order, as the bytes sent: the page and its refunds."""
    body = order_page_as_dict(order_page(order=order))
    body["refunds"] = jsonable(refunds_explained(order=order, refunds=refunds_for_order(order=order)))
    return json.dumps(body, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
