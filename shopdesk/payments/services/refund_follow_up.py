"""What happens to a refund once it is recorded: the demo provider's answer, and a failure that is sent
again or handed to an agent — never left failed without anyone knowing.

refund_provider_schedule(refund_id)     on commit of a new refund: the demo provider answers it later
refund_demo_settle (task)               the scheduled job: one answer of the demo provider
refund_demo_step(refund_id=...)         that answer, callable directly (the demo loader, tests)
refund_failed_follow_up(refund=...)     a failed refund: sent again (attempts left), else a case

The demo provider exists for the demo store (`SHOPDESK_DEMO_REFUNDS=1`): it moves refunds through the same
refund events a real provider posts (`refund_event_apply`), after `SHOPDESK_DEMO_REFUND_SECONDS`. It
refuses refunds to the card ending 0002, the declining card of the providers' test suites.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from shopdesk.core.actors import Actor
from shopdesk.payments.enums import RefundDestination, RefundStatus
from shopdesk.payments.models import Refund
from shopdesk.payments.refund_cases import refund_case_open
from shopdesk.shipping.models import CaseKind

logger = logging.getLogger(__name__)
DEMO_PROVIDER = Actor.system("demo payment provider")
DEMO_DECLINING_CARD = "0002"


def refund_provider_schedule(refund_id: int, *, delay_seconds: float | None = None) -> None:
    """Ask the demo provider to answer this refund after the configured delay (nothing when it is off)."""
    if not settings.SHOPDESK_DEMO_REFUNDS:
        return
    delay = settings.SHOPDESK_DEMO_REFUND_SECONDS if delay_seconds is None else delay_seconds
    run_after = timezone.now() + dt.timedelta(seconds=delay)
    refund_demo_settle.using(run_after=run_after).enqueue(refund_id)


@task()
def refund_demo_settle(refund_id: int) -> str:
    return str(refund_demo_step(refund_id=refund_id).status)


def _demo_answer(refund: Refund) -> tuple[str, str]:
    if refund.payment is not None and refund.payment.card_last4 == DEMO_DECLINING_CARD:
        return RefundStatus.FAILED, "The card issuer refused the refund: the card is closed."
    return RefundStatus.SUCCEEDED, ""


def refund_demo_step(*, refund_id: int) -> Refund:
    """One answer of the demo provider to a pending (or failed, sent again) refund."""
    from shopdesk.payments.services.refund_events import refund_event_apply  # it calls back into this module

    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.destination == RefundDestination.STORE_CREDIT or refund.status == RefundStatus.SUCCEEDED:
        return refund
    attempt = refund.attempts + 1
    kind, reason = _demo_answer(refund)
    # Counted before the answer, so the failure's follow-up sees this attempt; compare-and-set, so two
    # workers running the same job count it once and the second one's events are replays.
    counted = Refund.objects.filter(pk=refund.pk, attempts=refund.attempts).update(
        attempts=attempt, failure_reason=reason[:200]
    )
    if counted != 1:
        return Refund.objects.get(pk=refund_id)
    if refund.status == RefundStatus.FAILED:
        refund_event_apply(
            refund_id=refund.pk,
            event_id=f"demo-{refund.pk}-{attempt}-processing",
            kind=RefundStatus.PROCESSING,
            reason="Sent again.",
            actor=DEMO_PROVIDER,
        )
    return refund_event_apply(
        refund_id=refund.pk,
        event_id=f"demo-{refund.pk}-{attempt}-{kind}",
        kind=kind,
        reason=reason,
        actor=DEMO_PROVIDER,
    ).refund


def refund_failed_follow_up(*, refund: Refund, reason: str) -> None:
    """Inside the transaction that recorded the failure: send it again while attempts are left (demo
    provider), else open a case for an agent with the refund's lines. A real provider's failure goes to an
    agent at once: only they can ask the customer for another way to pay it back."""
    if settings.SHOPDESK_DEMO_REFUNDS and 0 < refund.attempts < settings.SHOPDESK_REFUND_ATTEMPTS:
        from django.db import transaction

        transaction.on_commit(lambda: refund_provider_schedule(refund.pk))
        return
    opened = refund_case_open(
        refund=refund,
        kind=CaseKind.REFUND_FAILED,
        actor=Actor.system(),
        reason="refund_failed",
        details={"failure": reason, "attempts": refund.attempts},
        note=f"The provider refused this refund after {max(refund.attempts, 1)} attempt(s): {reason}".strip(),
    )
    if opened.created:
        logger.warning("refund %s failed; case %s opened for an agent", refund.pk, opened.case.reference)
