"""Reads of payment checks: the one an order's page shows, from payment rows already fetched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from shopdesk.payments.enums import OPEN_VERIFICATION, VerificationCaseStatus
from shopdesk.payments.models import Payment, PaymentVerification
from shopdesk.payments.services.verification import deadline_text, reason_sentences
from shopdesk.policy import get_policy


def verification_of_payments(payments: Iterable[Payment]) -> PaymentVerification | None:
    """The check to show: an open one first, else the latest. No query when the rows came with
    `select_related("verification")` (the order page and the facts fetch them so)."""
    found: list[PaymentVerification] = []
    for payment in payments:
        try:
            found.append(payment.verification)
        except PaymentVerification.DoesNotExist:
            continue
    if not found:
        return None
    open_checks = [v for v in found if v.status in OPEN_VERIFICATION]
    return (open_checks or found)[-1]


@dataclass(frozen=True, slots=True)
class VerificationView:
    """A payment check as the order page and the API show it."""

    status: str
    status_label: str
    reasons: list[str]  # VerificationReason codes
    reason_sentences: list[str]
    deadline: dt.datetime
    deadline_text: str
    overdue: bool  # the deadline passed and the customer hasn't answered (the job acts on it)
    step: str  # what to do now, or what happens next
    method: str
    submitted_at: dt.datetime | None
    outcome: str


def verification_view(verification: PaymentVerification, *, now: dt.datetime) -> VerificationView:
    status = VerificationCaseStatus(verification.status)
    deadline = deadline_text(verification.deadline)
    overdue = status == VerificationCaseStatus.AWAITING_CUSTOMER and now >= verification.deadline
    policy = get_policy()
    if overdue:
        after = (
            "ships anyway" if policy.payments.verification_expired == "ship" else "is cancelled and refunded"
        )
        step = (
            f"The time to verify ended on {deadline}; the order {after}. Contact us if you have a question."
        )
    elif status == VerificationCaseStatus.AWAITING_CUSTOMER:
        step = (
            f"Verify by {deadline}: confirm the last four digits of your card and your billing postcode, "
            "or upload a document (PDF, JPEG or PNG)."
        )
    elif status == VerificationCaseStatus.UNDER_REVIEW:
        step = "We're checking your answer and will email you as soon as it's done."
    else:
        step = verification.outcome
    return VerificationView(
        status=status.value,
        status_label=status.label,
        reasons=list(verification.reasons),
        reason_sentences=reason_sentences(list(verification.reasons), policy),
        deadline=verification.deadline,
        deadline_text=deadline,
        overdue=overdue,
        step=step,
        method=verification.method,
        submitted_at=verification.submitted_at,
        outcome=verification.outcome,
    )
