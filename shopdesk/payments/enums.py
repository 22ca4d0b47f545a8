from django.db import models


class PaymentState(models.TextChoices):
    """The state of one payment attempt, as the payment provider reported it."""

    PENDING = "pending", "Pending"
    DECLINED = "declined", "Declined"
    AUTHORISED = "authorised", "Authorised"
    CAPTURED = "captured", "Captured"  # refunds never change this: amounts say how much came back
    VOIDED = "voided", "Voided"


class VerificationStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required"
    REQUIRED = "required", "Waiting for the customer"
    VERIFIED = "verified", "Verified"
    FAILED = "failed", "Failed"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # recorded, not yet confirmed by the provider
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class RefundLineKind(models.TextChoices):
    """What a refund line is for; deductions are negative lines."""

    ITEM = "item", "Item"
    SHIPPING = "shipping", "Shipping"
    DUTIES = "duties", "Duties and taxes"
    COUPON_SHARE = "coupon_share", "Coupon share"
    POINTS = "points", "Paid with points (returned as points)"
    RETURN_LABEL = "return_label", "Return label"
    RESTOCKING_FEE = "restocking_fee", "Restocking fee"
    PRICE_ADJUSTMENT = "price_adjustment", "Price adjustment"
    OTHER = "other", "Other"
