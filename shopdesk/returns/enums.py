"""Return statuses with the transitions allowed between them, and the choices of a return line.

The table is enforced by one function (returns/services.py `return_transition`): every status change
of a return is a compare-and-set through it, with an event row.
"""

from django.db import models


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"  # just recorded; approval is decided in the same transaction
    PENDING_APPROVAL = "pending_approval", "Waiting for approval"  # an agent decides (policy threshold)
    APPROVED = "approved", "Approved"  # the customer may send the items back
    REJECTED = "rejected", "Not approved"  # an agent refused the request
    IN_TRANSIT = "in_transit", "On its way back"  # the carrier scanned the parcel
    RECEIVED = "received", "Received"  # the warehouse has the parcel
    INSPECTED = "inspected", "Inspected"  # every line has an outcome; the refund is being recorded
    REFUNDED = "refunded", "Refunded"  # the refund of the inspection is recorded
    CANCELLED = "cancelled", "Cancelled"  # the customer withdrew it before sending it
    CLOSED = "closed", "Closed"  # nothing more will happen (nothing to refund, or settled)


RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    ReturnStatus.REQUESTED: frozenset(
        {ReturnStatus.PENDING_APPROVAL, ReturnStatus.APPROVED, ReturnStatus.REJECTED, ReturnStatus.CANCELLED}
    ),
    ReturnStatus.PENDING_APPROVAL: frozenset(
        {ReturnStatus.APPROVED, ReturnStatus.REJECTED, ReturnStatus.CANCELLED}
    ),
    ReturnStatus.APPROVED: frozenset(
        {ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED, ReturnStatus.CANCELLED}
    ),
    ReturnStatus.IN_TRANSIT: frozenset({ReturnStatus.RECEIVED}),
    ReturnStatus.RECEIVED: frozenset({ReturnStatus.INSPECTED}),
    ReturnStatus.INSPECTED: frozenset({ReturnStatus.REFUNDED, ReturnStatus.CLOSED}),
    ReturnStatus.REFUNDED: frozenset({ReturnStatus.CLOSED}),
    ReturnStatus.REJECTED: frozenset(),
    ReturnStatus.CANCELLED: frozenset(),
    ReturnStatus.CLOSED: frozenset(),
}

# Returns whose units are still on their way: those units can't be returned a second time.
OPEN_STATUSES = frozenset(
    {
        ReturnStatus.REQUESTED,
        ReturnStatus.PENDING_APPROVAL,
        ReturnStatus.APPROVED,
        ReturnStatus.IN_TRANSIT,
        ReturnStatus.RECEIVED,
    }
)


class ReturnResolution(models.TextChoices):
    REFUND = "refund", "Refund to the original payment"
    STORE_CREDIT = "store_credit", "Store credit"
    EXCHANGE = "exchange", "Exchange for another size or colour"
    KEEP = "keep", "Keep the item"


class ReturnMethod(models.TextChoices):
    LABEL = "label", "Prepaid return label"
    OWN_CARRIER = "own_carrier", "My own carrier"


class InspectionOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DEDUCTED = "deducted", "Accepted with a deduction"
    REJECTED = "rejected", "Rejected"


class ReturnEventKind(models.TextChoices):
    CREATED = "created", "Return requested"
    STATUS_CHANGED = "status_changed", "Status changed"
    INSPECTED = "inspected", "Inspection recorded"
    REFUND_CREATED = "refund_created", "Refund recorded"
    PHOTOS_ADDED = "photos_added", "Photos added"  # the customer showed the damage or the wrong item
    TRACKING_ADDED = "tracking_added", "Tracking number added"  # the parcel's number (own carrier, label)
    STORE_CREDIT_ISSUED = "store_credit_issued", "Store credit issued"
    EXCHANGE_ORDER = "exchange_order", "Exchange order recorded"
    EXCHANGE_SHIPPED = "exchange_shipped", "Exchange shipped"  # the exchange order's first package left
