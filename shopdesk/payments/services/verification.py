"""Payment verification: the one place a check opens, is answered, decided or runs out of time.

verification_open(payment=, actor=, now=)                a payment needs a check: reasons, deadline, email
verification_submit(verification=, actor=, ..., now=)    the customer's answer → under review
verification_decide(verification=, approve=, actor=, note=, now=)   an agent's (or the store's) decision
verification_deadline_apply(verification_id=, now=)      no answer in time: ship or cancel, per policy
verification_submit_eligibility(order=, verification=, now=)        may the customer answer now, and why not

Each write locks the order (then the payments, then the check), re-reads the check and moves it with a
compare-and-set, so two submissions, or a submission and the deadline job, end in exactly one outcome.
Cancelling lives above this layer (selfservice); it is handed in at start-up (`verification_cancel_set`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import Conflict, InvalidInput, NotEligible
from shopdesk.core.money import format_money
from shopdesk.notifications.services import email_enqueue
from shopdesk.orders import events
from shopdesk.orders.models import Order
from shopdesk.orders.services.idempotency import order_lock
from shopdesk.payments.enums import (
    OPEN_VERIFICATION,
    VERIFICATION_TRANSITIONS,
    VerificationCaseStatus,
    VerificationReason,
    VerificationStatus,
)
from shopdesk.payments.models import Payment, PaymentVerification
from shopdesk.payments.services.refunds import payments_lock
from shopdesk.policy import Policy, get_policy
from shopdesk.policy.dates import moment_text

# Called to cancel an order whose check failed or ran out: (order, actor, reason, key, now) -> a sentence.
OrderCancel = Callable[[Order, Actor, str, str, dt.datetime], str]
_cancel: OrderCancel | None = None

SNIFFED_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def verification_cancel_set(cancel: OrderCancel | None) -> None:
    """The self-service layer hands in its order cancel at start-up (one function, set once)."""
    global _cancel
    _cancel = cancel


# --- wording ---------------------------------------------------------------------------------------
def deadline_text(moment: dt.datetime) -> str:
    return moment_text(moment, weekday=True)


def reason_sentences(reasons: list[str], policy: Policy | None = None) -> list[str]:
    policy = policy or get_policy()
    sentences = {
        VerificationReason.OVER_AMOUNT: "The order is over "
        f"{format_money(policy.payments.verification_over, policy.store.currency, policy.store.locale)}, "
        "the amount above which we check payments.",
        VerificationReason.COUNTRY_MISMATCH: "The billing address is in another country than the delivery address.",
        VerificationReason.PROVIDER_REQUEST: "Our payment provider asked us to check this payment.",
    }
    return [sentences[VerificationReason(code)] for code in reasons if code in VerificationReason.values]


def verification_reasons(
    *, total: Decimal, billing_country: str, shipping_country: str, policy: Policy | None = None
) -> list[str]:
    """Why a payment is checked, from the policy's rules (the provider's request when none applies)."""
    policy = policy or get_policy()
    found = []
    if total > policy.payments.verification_over:
        found.append(VerificationReason.OVER_AMOUNT.value)
    if policy.payments.verify_on_country_mismatch and billing_country.upper() != shipping_country.upper():
        found.append(VerificationReason.COUNTRY_MISMATCH.value)
    return found or [VerificationReason.PROVIDER_REQUEST.value]


def _event(*, order: Order, actor: Actor, before: str, after: str, message: str) -> None:
    events.order_payment_updated(
        order=order,
        actor=actor,
        before={"verification": before} if before else None,
        after={"verification": after},
        message=message,
    )


def _email(*, order: Order, verification: PaymentVerification, step: str, extra: dict[str, Any]) -> None:
    email_enqueue(
        to=order.email,
        template="payment_verification",
        order=order,
        context={
            "step": step,
            "deadline": deadline_text(verification.deadline),
            "reasons": reason_sentences(list(verification.reasons)),
            **extra,
        },
        dedupe_key=f"verification:{verification.pk}:{step}",
    )


def _move(verification: PaymentVerification, to_status: str, **fields: Any) -> PaymentVerification:
    """Compare-and-set through VERIFICATION_TRANSITIONS: a change made a moment ago is never overwritten."""
    current = verification.status
    if to_status not in VERIFICATION_TRANSITIONS[current]:
        raise Conflict(
            f"This check is {VerificationCaseStatus(current).label.lower()}; it can't become "
            f"{VerificationCaseStatus(to_status).label.lower()}.",
            code="verification_transition_refused",
            details={"from": current, "to": to_status},
        )
    updated = PaymentVerification.objects.filter(pk=verification.pk, status=current).update(
        status=to_status, **fields
    )
    if updated != 1:
        raise Conflict(
            "This check changed a moment ago; please look at the order again.", code="verification_changed"
        )
    verification.refresh_from_db()
    return verification


def _payment_verification_set(payment_id: int, status: str) -> None:
    Payment.objects.filter(pk=payment_id).update(verification_status=status, updated_at=timezone.now())


def _locked(verification_id: int) -> tuple[Order, PaymentVerification]:
    """Lock order, its payments (by id), then the check — the order of docs/decisions/0004."""
    order_id = PaymentVerification.objects.values_list("order_id", flat=True).get(pk=verification_id)
    order = order_lock(order_id=order_id)
    payments_lock(order_id=order_id)
    verification = PaymentVerification.objects.select_for_update().get(pk=verification_id)
    return order, verification


# --- open ------------------------------------------------------------------------------------------
def verification_open(
    *, payment: Payment, actor: Actor, now: dt.datetime | None = None
) -> PaymentVerification:
    """A payment needs a check (called inside the caller's transaction, with the order locked).

    Idempotent: a payment has at most one check; asking again returns it."""
    existing = PaymentVerification.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    policy = get_policy()
    order = Order.objects.select_related("shipping_address", "billing_address").get(pk=payment.order_id)
    verification = PaymentVerification.objects.create(
        order=order,
        payment=payment,
        reasons=verification_reasons(
            total=order.total,
            billing_country=order.billing_address.country,
            shipping_country=order.shipping_address.country,
            policy=policy,
        ),
        deadline=now + dt.timedelta(hours=policy.payments.verification_hours),
        created_at=now,
    )
    _event(
        order=order,
        actor=actor,
        before="",
        after=verification.status,
        message=f"Payment check needed by {deadline_text(verification.deadline)}.",
    )
    _email(order=order, verification=verification, step="required", extra={})
    verification_id = verification.pk
    transaction.on_commit(lambda: _schedule_deadline(verification_id, verification.deadline))
    return verification


def _schedule_deadline(verification_id: int, deadline: dt.datetime) -> None:
    from shopdesk.payments.tasks import verification_deadline  # tasks import this module

    verification_deadline.using(run_after=deadline).enqueue(verification_id=verification_id)


# --- the customer's answer ---------------------------------------------------------------------------
def verification_submit_eligibility(
    *, order: Order, verification: PaymentVerification | None, now: dt.datetime | None = None
) -> Eligibility:
    now = now or timezone.now()
    if verification is None:
        return Eligibility.no("verification_not_needed", "This order's payment doesn't need a check.")
    if order.is_cancelled:
        return Eligibility.no("order_cancelled", "This order is cancelled, so there is nothing to verify.")
    status = verification.status
    if status == VerificationCaseStatus.UNDER_REVIEW:
        return Eligibility.no(
            "verification_under_review",
            "Thanks: we have your answer and are checking it. We'll email you as soon as it's done.",
        )
    if status == VerificationCaseStatus.APPROVED:
        return Eligibility.no(
            "verification_done", "Your payment is verified: the order is on its way to shipping."
        )
    if status in (VerificationCaseStatus.REJECTED, VerificationCaseStatus.EXPIRED):
        return Eligibility.no(
            "verification_closed", "This payment check is closed. If you have a question, contact us."
        )
    if now >= verification.deadline:
        return Eligibility.no(
            "verification_deadline_passed",
            f"The time to verify this payment ended on {deadline_text(verification.deadline)}. "
            "Contact us if you still want the order.",
        )
    return Eligibility.yes(
        f"Please verify your payment by {deadline_text(verification.deadline)}: confirm the last four digits of "
        "your card and your billing postcode, or upload a document."
    )


@dataclass(frozen=True, slots=True)
class VerificationDocument:
    """An uploaded file as the interface received it: the bytes and the name the customer gave."""

    content: bytes
    name: str = ""


def document_sniff(*, content: bytes, max_kb: int) -> str:
    """The document's type from its first bytes (never from its name or declared type), size checked."""
    if not content:
        raise InvalidInput(
            "The file is empty.", code="document_empty", details={"fields": {"document": "empty"}}
        )
    if len(content) > max_kb * 1024:
        raise InvalidInput(
            f"The file is too large: at most {max_kb // 1024 if max_kb >= 1024 else max_kb} "
            f"{'MB' if max_kb >= 1024 else 'KB'}.",
            code="document_too_large",
            details={"fields": {"document": "too large"}},
        )
    for magic, content_type in SNIFFED_TYPES:
        if content.startswith(magic):
            return content_type
    raise InvalidInput(
        "Upload a PDF, JPEG or PNG file.",
        code="document_type",
        details={"fields": {"document": "not a PDF, JPEG or PNG"}},
    )


def _answer_check(
    *, card_last4: str, billing_postcode: str, document: VerificationDocument | None
) -> dict[str, Any]:
    card_last4, billing_postcode = card_last4.strip(), " ".join(billing_postcode.split()).upper()
    if document is not None:
        if card_last4 or billing_postcode:
            raise InvalidInput(
                "Send either the card details or a document, not both.",
                code="verification_both",
                details={"fields": {"document": "send card details or a document"}},
            )
        content_type = document_sniff(
            content=document.content, max_kb=get_policy().payments.verification_document_max_kb
        )
        return {"method": "document", "document_type": content_type, "document_size": len(document.content)}
    fields = {}
    if not (len(card_last4) == 4 and card_last4.isdigit()):
        fields["card_last4"] = "four digits"
    if not (1 <= len(billing_postcode) <= 20) or not all(
        ch.isalnum() or ch in " -" for ch in billing_postcode
    ):
        fields["billing_postcode"] = "the postcode of your billing address"
    if fields:
        first = next(iter(fields))
        raise InvalidInput(
            f"Please check {first}: {fields[first]}.", code="invalid_input", details={"fields": fields}
        )
    return {"method": "card_details", "card_last4": card_last4, "billing_postcode": billing_postcode}


def verification_submit(
    *,
    verification: PaymentVerification,
    actor: Actor,
    card_last4: str = "",
    billing_postcode: str = "",
    document: VerificationDocument | None = None,
    now: dt.datetime | None = None,
) -> PaymentVerification:
    """Record the customer's answer and move the check to under review (once; a second answer is refused)."""
    answer = _answer_check(card_last4=card_last4, billing_postcode=billing_postcode, document=document)
    now = now or timezone.now()
    with transaction.atomic():
        order, locked = _locked(verification.pk)
        verification_submit_eligibility(order=order, verification=locked, now=now).require()
        stored_name = ""
        if document is not None:
            locked.document_type = answer["document_type"]  # the storage name's extension
            locked.document.save("upload", ContentFile(document.content), save=False)
            stored_name = locked.document.name or ""
        fields = dict(answer)
        if stored_name:
            fields["document"] = stored_name
        try:
            locked = _move(locked, VerificationCaseStatus.UNDER_REVIEW, submitted_at=now, **fields)
        except Conflict:
            if stored_name:
                locked.document.storage.delete(stored_name)
            raise
        what = (
            "a document"
            if answer["method"] == "document"
            else "the card's last four digits and billing postcode"
        )
        _event(
            order=order,
            actor=actor,
            before=VerificationCaseStatus.AWAITING_CUSTOMER,
            after=locked.status,
            message=f"Payment check answered with {what}; under review.",
        )
        _email(order=order, verification=locked, step="received", extra={})
    return locked


# --- decisions -------------------------------------------------------------------------------------
def _cancel_order(*, order: Order, actor: Actor, reason: str, key: str, now: dt.datetime) -> str:
    if _cancel is None:
        raise Conflict("Orders can't be cancelled from here.", code="cancel_unavailable")
    try:
        return _cancel(order, actor, reason, key, now)
    except NotEligible as refusal:
        # Part of it shipped meanwhile: an agent sorts it out; the check still records what happened.
        return f"The order could not be cancelled: {refusal.message}"


def verification_decide(
    *,
    verification: PaymentVerification,
    approve: bool,
    actor: Actor,
    note: str = "",
    now: dt.datetime | None = None,
) -> PaymentVerification:
    """An agent approves (the order ships) or rejects (it is cancelled with its refund). The desk calls this."""
    now = now or timezone.now()
    note = " ".join(note.split())[:200]
    with transaction.atomic():
        order, locked = _locked(verification.pk)
        if locked.status not in OPEN_VERIFICATION:
            raise Conflict(
                f"This check is already {VerificationCaseStatus(locked.status).label.lower()}.",
                code="verification_closed",
            )
        before = locked.status
        if approve:
            outcome = "Verified: the order ships."
            _payment_verification_set(locked.payment_id, VerificationStatus.VERIFIED)
            locked = _move(
                locked,
                VerificationCaseStatus.APPROVED,
                decided_at=now,
                decided_by=actor.label[:254],
                outcome=outcome,
            )
        else:
            _payment_verification_set(locked.payment_id, VerificationStatus.FAILED)
            locked = _move(
                locked, VerificationCaseStatus.REJECTED, decided_at=now, decided_by=actor.label[:254]
            )
            outcome = _cancel_order(
                order=order,
                actor=actor,
                reason="Payment could not be verified",
                key=f"verification:{locked.pk}:rejected",
                now=now,
            )
            PaymentVerification.objects.filter(pk=locked.pk).update(outcome=outcome[:300])
            locked.refresh_from_db()
        _event(
            order=order,
            actor=actor,
            before=before,
            after=locked.status,
            message=f"Payment check {'approved' if approve else 'rejected'}{': ' + note if note else ''}.",
        )
        _email(
            order=order,
            verification=locked,
            step="approved" if approve else "rejected",
            extra={"outcome": outcome},
        )
    return locked


def verification_deadline_apply(
    *, verification_id: int, now: dt.datetime | None = None
) -> PaymentVerification | None:
    """The deadline job: a check still waiting for the customer after its deadline ships or is cancelled
    (the policy's `payments.verification_expired`). Anything else — answered, decided, not due — is left."""
    now = now or timezone.now()
    if not PaymentVerification.objects.filter(pk=verification_id).exists():
        return None
    policy = get_policy()
    with transaction.atomic():
        order, locked = _locked(verification_id)
        if locked.status != VerificationCaseStatus.AWAITING_CUSTOMER or now < locked.deadline:
            return locked
        actor = Actor.system("verification deadline")
        if policy.payments.verification_expired == "ship":
            _payment_verification_set(locked.payment_id, VerificationStatus.VERIFIED)
            outcome = "No answer by the deadline; per the store's policy the order ships."
        else:
            _payment_verification_set(locked.payment_id, VerificationStatus.FAILED)
            outcome = ""
        locked = _move(locked, VerificationCaseStatus.EXPIRED, decided_at=now, decided_by=actor.label)
        if policy.payments.verification_expired == "cancel" and not order.is_cancelled:
            outcome = "No answer by the deadline, so the order is cancelled. " + _cancel_order(
                order=order,
                actor=actor,
                reason="Payment not verified in time",
                key=f"verification:{locked.pk}:expired",
                now=now,
            )
        PaymentVerification.objects.filter(pk=locked.pk).update(outcome=outcome[:300])
        locked.refresh_from_db()
        _event(
            order=order,
            actor=actor,
            before=VerificationCaseStatus.AWAITING_CUSTOMER,
            after=locked.status,
            message=outcome,
        )
        _email(order=order, verification=locked, step="expired", extra={"outcome": outcome})
    return locked


def verifications_overdue(*, now: dt.datetime | None = None) -> list[int]:
    """Checks past their deadline still waiting for the customer (the sweep catches a lost or late job)."""
    now = now or timezone.now()
    return list(
        PaymentVerification.objects.filter(
            status=VerificationCaseStatus.AWAITING_CUSTOMER, deadline__lte=now
        ).values_list("pk", flat=True)[:1000]
    )


def verification_follow_payment(
    *, payment: Payment, before: str | None, actor: Actor, now: dt.datetime | None = None
) -> None:
    """The store set the payment's verification status (an upsert or a payment event), order locked.

    `required` opens the check; `verified` / `verification_failed` (the bank's 3-D Secure, the provider's
    review) close an open one as decided by the store. Cancelling stays the store's call then."""
    status = payment.verification_status
    if status == before:
        return
    if status == VerificationStatus.REQUIRED:
        verification_open(payment=payment, actor=actor, now=now)
        return
    open_check = PaymentVerification.objects.filter(payment=payment, status__in=OPEN_VERIFICATION).first()
    if open_check is None or status not in (VerificationStatus.VERIFIED, VerificationStatus.FAILED):
        return
    now = now or timezone.now()
    approved = status == VerificationStatus.VERIFIED
    locked = PaymentVerification.objects.select_for_update().get(pk=open_check.pk)
    if locked.status not in OPEN_VERIFICATION:
        return
    _move(
        locked,
        VerificationCaseStatus.APPROVED if approved else VerificationCaseStatus.REJECTED,
        decided_at=now,
        decided_by=actor.label[:254],
        outcome="Verified by the payment provider."
        if approved
        else "The payment provider could not verify it.",
    )
    order = Order.objects.get(pk=payment.order_id)
    _email(
        order=order,
        verification=locked,
        step="approved" if approved else "rejected",
        extra={"outcome": locked.outcome},
    )
