from django.db import models


class TrackingStatus(models.TextChoices):
    """Normalised carrier scan codes. A shipment's status is the code of its latest event."""

    LABEL_CREATED = "label_created", "Label created"  # the carrier knows the number, has not scanned it
    PICKED_UP = "picked_up", "Picked up"
    IN_TRANSIT = "in_transit", "In transit"
    HELD_AT_CUSTOMS = "held_at_customs", "Held at customs"  # often: duties due before release
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERY_ATTEMPTED = "delivery_attempted", "Delivery attempted"  # nobody at the address
    AVAILABLE_FOR_PICKUP = "available_for_pickup", "Waiting at a pickup point"
    DELIVERED = "delivered", "Delivered"
    EXCEPTION = "exception", "Delivery problem"
    RETURNED_TO_SENDER = "returned_to_sender", "Returned to sender"  # on its way back, or back with us


TERMINAL_STATUSES = frozenset({TrackingStatus.DELIVERED, TrackingStatus.RETURNED_TO_SENDER})
