"""Payments (authorised, captured, refunded amounts, declines, verification) and refunds as lines."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import F, Q

from shopdesk.core.fields import MoneyField
from shopdesk.payments.enums import (
    PaymentState,
    RefundDestination,
    RefundLineKind,
    RefundStatus,
    StoreCreditKind,
    VerificationCaseStatus,
    VerificationStatus,
)


class Payment(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="payments")
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    method = models.CharField(max_length=30, help_text="A payment method code of the store policy.")
    provider = models.CharField(max_length=40, blank=True)
    provider_reference = models.CharField(max_length=120, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    amount = MoneyField(help_text="The amount asked for.")
    amount_authorised = MoneyField()
    amount_captured = MoneyField()
    amount_refunded = MoneyField()
    state = models.CharField(max_length=20, choices=PaymentState.choices, default=PaymentState.PENDING)
    decline_code = models.CharField(max_length=40, blank=True)
    verification_status = models.CharField(
        max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.NOT_REQUIRED
    )
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    # A dispute the customer opened with their bank, as the provider reported it (the state stays captured).
    chargeback_opened_at = models.DateTimeField(null=True, blank=True)
    chargeback_amount = MoneyField(help_text="The amount the customer disputes.")
    chargeback_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_captured__lte=F("amount_authorised")), name="captured_within_authorised"
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount_captured")), name="refunded_within_captured"
            ),
            models.CheckConstraint(condition=Q(amount_refunded__gte=0), name="refunded_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.amount} {self.currency} ({self.state})"


class Refund(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="refunds")
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    currency = models.CharField(max_length=3, default="USD")
    amount = MoneyField(help_text="Money sent back to the payment method (the sum of the lines).")
    points = models.IntegerField(default=0, help_text="Points given back with this refund.")
    status = models.CharField(max_length=20, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    destination = models.CharField(
        max_length=20, choices=RefundDestination.choices, default=RefundDestination.ORIGINAL_PAYMENT
    )
    # Sends to the provider, counted so a refund that keeps failing goes to an agent, never lost.
    attempts = models.PositiveIntegerField(default=0)
    failure_reason = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=200)
    # Idempotency: a retried request with the same key finds this row instead of paying again.
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order_id", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="refund_not_negative")]

    def __str__(self) -> str:
        return f"refund {self.amount} {self.currency} on {self.order_id}"


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=20, choices=RefundLineKind.choices)
    order_line = models.ForeignKey("orders.OrderLine", null=True, blank=True, on_delete=models.SET_NULL)
    quantity = models.PositiveIntegerField(default=0)
    amount = MoneyField(help_text="Positive for what is paid back, negative for a deduction.")
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["refund_id", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class StoreCreditEntry(models.Model):
    """Append-only ledger of a customer's store credit: the balance is the sum of the amounts.

    Idempotency: each entry has a unique key (`return:RMA-…:store-credit`), so a credit is issued once.
    """

    customer = models.ForeignKey("orders.Customer", on_delete=models.PROTECT, related_name="store_credit")
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refund = models.OneToOneField(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="store_credit_entry"
    )
    kind = models.CharField(max_length=20, choices=StoreCreditKind.choices)
    currency = models.CharField(max_length=3, default="USD")
    amount = MoneyField(help_text="Positive when issued, negative when spent.")
    description = models.CharField(max_length=300)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["customer_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="issued") & Q(amount__gt=0)) | (Q(kind="spent") & Q(amount__lt=0)),
                name="store_credit_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} for {self.customer_id}"


def verification_document_path(instance: PaymentVerification, filename: str) -> str:
    """A random name (the customer's file name is never used): nothing can guess or list it, and no URL
    serves the folder; agents open it through the admin."""
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        instance.document_type, "bin"
    )
    return f"payment-verification/{secrets.token_hex(16)}.{extension}"


class PaymentVerification(models.Model):
    """One check of one payment: why, until when, what the customer sent, and who decided what."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="payment_verifications")
    payment = models.OneToOneField(Payment, on_delete=models.CASCADE, related_name="verification")
    status = models.CharField(
        max_length=20,
        choices=VerificationCaseStatus.choices,
        default=VerificationCaseStatus.AWAITING_CUSTOMER,
    )
    reasons = models.JSONField(default=list, help_text="VerificationReason codes.")
    deadline = models.DateTimeField(db_index=True)
    method = models.CharField(max_length=20, blank=True, help_text="card_details or document")
    card_last4 = models.CharField(max_length=4, blank=True)
    billing_postcode = models.CharField(max_length=20, blank=True)
    document = models.FileField(upload_to=verification_document_path, blank=True, max_length=200)
    document_type = models.CharField(max_length=40, blank=True, help_text="Sniffed from the bytes.")
    document_size = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=254, blank=True)
    outcome = models.CharField(max_length=300, blank=True, help_text="What followed: shipped, cancelled…")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"verification of payment {self.payment_id} ({self.status})"
