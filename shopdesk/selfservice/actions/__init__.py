"""The registered self-service actions, one module per action family. Importing this package registers
them (the app's ready() does it); the import order is the order interfaces list them in."""

# ruff: noqa: I001 - the order of these imports is the order of the registry
from shopdesk.selfservice.actions import cancel
from shopdesk.selfservice.actions import change
from shopdesk.selfservice.actions import addresses
from shopdesk.selfservice.actions import emails
from shopdesk.selfservice.actions import cases
from shopdesk.selfservice.actions import returns
from shopdesk.selfservice.actions import payments, price_adjustment, refund_dispute
from shopdesk.selfservice.actions import refund_retry
from shopdesk.selfservice.actions import points_adjust
from shopdesk.selfservice.actions import refund_lines

__all__ = [
    "addresses",
    "cancel",
    "cases",
    "change",
    "emails",
    "payments",
    "points_adjust",
    "price_adjustment",
    "refund_dispute",
    "refund_lines",
    "refund_retry",
    "returns",
]
