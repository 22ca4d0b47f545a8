"""Why didn't I get an email? What was sent about the order, to which address and when, with advice."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shopdesk.orderview.diagnoses.types import Diagnosis, DiagnosisAction, Severity
from shopdesk.policy.dates import moment_text

if TYPE_CHECKING:
    from shopdesk.orders.models import Order

# The notifications app's template names, as a customer would say them.
_NAMES = {
    "confirmation": "order confirmation",
    "shipped": "shipping notice",
    "delivered": "delivery notice",
    "cancelled": "cancellation notice",
    "address_changed": "address change notice",
    "billing_address_changed": "billing address notice",
    "line_changed": "item change notice",
    "email_change_confirm": "email change confirmation",
}
# The email each question is about, as the registry action that sends it again.
RESEND = {
    "confirmation_email_missing": "resend_confirmation",
    "delivery_email_missing": "resend_shipping",
}


def emails_diagnose(*, order: Order, topic: str = "confirmation_email_missing") -> Diagnosis:
    from shopdesk.notifications.selectors import emails_for_order  # the outbox belongs to notifications

    emails = [email for email in emails_for_order(order) if email.template != "magic_link"]
    facts = {"emails": [email.as_dict() for email in emails], "address": order.email}
    actions = (
        DiagnosisAction.of(RESEND.get(topic, "resend_confirmation"), "Send it again"),
        DiagnosisAction.of("change_email", "Fix my email address"),
    )
    failed = [email for email in emails if email.status == "failed"]
    if not emails:
        message = (
            f"We have not emailed anything about this order yet. Emails go to {order.email}; "
            "if that address is wrong, fix it below."
        )
        return Diagnosis(
            code="emails_none",
            topic=topic,
            title="No emails yet",
            message=message,
            severity=Severity.INFO,
            facts=facts,
            actions=actions,
        )
    listed = "; ".join(
        f"{_NAMES.get(e.template, e.template.replace('_', ' '))} to {e.to}, "
        f"{moment_text(e.sent_at or e.created_at)} ({e.status})"
        for e in emails
    )
    if failed:
        message = (
            f"We could not deliver some emails to {failed[-1].to}: the address may be mistyped or the "
            f"mailbox full. What we sent: {listed}. Fix the address, then ask us to send it again."
        )
        return Diagnosis(
            code="emails_bounced",
            topic=topic,
            title="An email could not be delivered",
            message=message,
            severity=Severity.WARN,
            facts=facts,
            actions=actions,
        )
    message = (
        f"What we sent: {listed}. Look in your spam, junk or promotions folder for mail from us, and check "
        f"that {order.email} is right. You can have any email sent again."
    )
    return Diagnosis(
        code="emails_sent",
        topic=topic,
        title="What we emailed you",
        message=message,
        severity=Severity.INFO,
        facts=facts,
        actions=actions,
    )
