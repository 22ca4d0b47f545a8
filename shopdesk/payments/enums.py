"""Payment and refund states with the transitions allowed between them, and refund line kinds.

The tables are enforced by one function each (payments/services/status.py): every state change of a
payment or a refund is a compare-and-set through it, never a bare assignment.
"""

import enum

from django.db import models


class PaymentState(models.TextChoices):
    """The state of one payment attempt, as the payment provider reported it."""

    PENDING = "pending", "Pending"  # created, no answer from the provider yet
    DECLINED = "declined", "Declined"  # the bank said no; a retry of the same attempt may still succeed
    AUTHORISED = "authorised", "Authorised"  # a hold on the customer's money, nothing taken yet
    CAPTURED = "captured", "Captured"  # refunds never change this: amounts say how much came back
    VOIDED = "voided", "Voided"  # the hold was released before any capture


# Staying in the same state is always allowed (an event repeated, an amount updated).
PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentState.PENDING: frozenset(
        {PaymentState.DECLINED, PaymentState.AUTHORISED, PaymentState.CAPTURED, PaymentState.VOIDED}
    ),
    PaymentState.DECLINED: frozenset({PaymentState.PENDING, PaymentState.AUTHORISED, PaymentState.CAPTURED}),
    PaymentState.AUTHORISED: frozenset({PaymentState.CAPTURED, PaymentState.VOIDED}),
    PaymentState.CAPTURED: frozenset(),
    PaymentState.VOIDED: frozenset(),
}


class PaymentOutcome(enum.StrEnum):
    """What a refund does to one payment (and, for a whole plan, to the order's money)."""

    REFUND = "refund"  # captured money goes back to the payment method
    VOID = "void"  # a hold that was never captured is released whole
    RELEASE = "release"  # a hold that was never captured is lowered
    NOTHING = "nothing"  # declined, unverified or unpaid: nothing was charged


class VerificationStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", "Not required"
    REQUIRED = "required", "Waiting for the customer"
    VERIFIED = "verified", "Verified"
    FAILED = "failed", "Failed"


class VerificationCaseStatus(models.TextChoices):
    """Where one payment check stands (payments/services/verification.py moves it, nothing else)."""

    AWAITING_CUSTOMER = "awaiting_customer", "Waiting for you"  # opened; the deadline runs
    UNDER_REVIEW = "under_review", "Under review"  # the customer answered; an agent decides
    APPROVED = "approved", "Verified"  # the order ships
    REJECTED = "rejected", "Not verified"  # the order is cancelled with its refund
    EXPIRED = "expired", "Deadline passed"  # no answer in time: shipped or cancelled per policy


VERIFICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    VerificationCaseStatus.AWAITING_CUSTOMER: frozenset(
        {
            VerificationCaseStatus.UNDER_REVIEW,
            VerificationCaseStatus.APPROVED,
            VerificationCaseStatus.REJECTED,
            VerificationCaseStatus.EXPIRED,
        }
    ),
    VerificationCaseStatus.UNDER_REVIEW: frozenset(
        {VerificationCaseStatus.APPROVED, VerificationCaseStatus.REJECTED}
    ),
    VerificationCaseStatus.APPROVED: frozenset(),
    VerificationCaseStatus.REJECTED: frozenset(),
    VerificationCaseStatus.EXPIRED: frozenset(),
}
OPEN_VERIFICATION = (VerificationCaseStatus.AWAITING_CUSTOMER, VerificationCaseStatus.UNDER_REVIEW)


class VerificationReason(models.TextChoices):
    """Why a payment is checked (the policy's `payments.verification_*` rules, or the provider's request)."""

    OVER_AMOUNT = "over_amount", "The order is over the amount we check"
    COUNTRY_MISMATCH = "country_mismatch", "The billing and delivery countries differ"
    PROVIDER_REQUEST = "provider_request", "Our payment provider asked us to check it"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # recorded, not yet sent to the provider
    PROCESSING = "processing", "Processing"  # sent to the provider, waiting for its answer
    SUCCEEDED = "succeeded", "Succeeded"  # the provider confirmed: the money is on its way back
    FAILED = "failed", "Failed"  # the provider refused; it may be sent again


REFUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RefundStatus.PENDING: frozenset({RefundStatus.PROCESSING}),
    RefundStatus.PROCESSING: frozenset({RefundStatus.SUCCEEDED, RefundStatus.FAILED}),
    RefundStatus.SUCCEEDED: frozenset(),
    # The provider sends it again (processing), or an agent or the store retries it (pending: queued for
    # the provider again, payments/services/refund_retry.py).
    RefundStatus.FAILED: frozenset({RefundStatus.PROCESSING, RefundStatus.PENDING}),
}


class RefundLineKind(models.TextChoices):
    """What a refund line is for; deductions are negative lines."""

    ITEM = "item", "Item"
    SHIPPING = "shipping", "Shipping"
    TAX = "tax", "Tax"
    DUTIES = "duties", "Duties"
    COUPON_SHARE = "coupon_share", "Coupon share"
    POINTS = "points", "Paid with points (returned as points)"
    RETURN_LABEL = "return_label", "Return label"
    RESTOCKING_FEE = "restocking_fee", "Restocking fee"
    PRICE_ADJUSTMENT = "price_adjustment", "Price adjustment"
    PAYMENT_SPLIT = "payment_split", "Paid back on another payment method"
    STORE_CREDIT_BONUS = "store_credit_bonus", "Store credit bonus"
    EXCHANGE = "exchange", "Exchanged for another item"  # negative: the price of the new item
    OTHER = "other", "Other"


class RefundDestination(models.TextChoices):
    ORIGINAL_PAYMENT = "original_payment", "Original payment method"  # money back to `Refund.payment`
    STORE_CREDIT = "store_credit", "Store credit"  # added to the customer's store-credit balance


class StoreCreditKind(models.TextChoices):
    ISSUED = "issued", "Issued"  # a refund or a goodwill gesture adds to the balance
    SPENT = "spent", "Spent"  # an order paid with it takes from the balance (negative amount)
