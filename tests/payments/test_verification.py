"""Payment verification: why, the deadline, the customer's answer (API and page), the agent's decision,
and the deadline job through Django's Tasks API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shopdesk.access.services import session_open_by_lookup
from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order, OrderEvent
from shopdesk.payments.enums import PaymentState, VerificationCaseStatus, VerificationStatus
from shopdesk.payments.models import Payment, PaymentVerification
from shopdesk.payments.services.verification import (
    verification_deadline_apply,
    verification_decide,
    verification_open,
)
from shopdesk.payments.tasks import verification_deadline, verification_deadlines_sweep
from shopdesk.policy.loader import DEFAULT_POLICY_FILE, reload_policy
from tests import factories

pytestmark = pytest.mark.django_db
BASE = "/api/v1/customer/orders"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NOW = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Iterator[Path]:
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield tmp_path / "media"


@pytest.fixture
def policy(tmp_path: Path) -> Iterator[Callable[..., None]]:
    overrides = []

    def use(**replacements: str) -> None:
        text = DEFAULT_POLICY_FILE.read_text()
        for old, new in replacements.items():
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / "store.toml"
        path.write_text(text)
        override = override_settings(SHOPDESK_POLICY=str(path))
        override.enable()
        overrides.append(override)
        reload_policy()

    yield use
    for override in overrides:
        override.disable()
    reload_policy()


def order_awaiting_verification(*, now: dt.datetime | None = None) -> Order:
    """A $500 card order shipped to the US, billed in the UK: authorised, its payment check just opened."""
    order = factories.OrderFactory(
        subtotal=Decimal("500.00"),
        total=Decimal("500.00"),
        billing_address=factories.AddressFactory(country="GB", postcode="SW1A 1AA", region=""),
        placed_at=(now or timezone.now()) - dt.timedelta(hours=1),
    )
    factories.OrderLineFactory(order=order, unit_price=Decimal("250.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("250.00"))
    payment = factories.PaymentFactory(
        order=order,
        state=PaymentState.AUTHORISED,
        amount_captured=Decimal("0"),
        verification_status=VerificationStatus.REQUIRED,
    )
    verification_open(payment=payment, actor=Actor.integration("store"), now=now)
    return order


def bearer(order: Order) -> dict[str, str]:
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def check_of(order: Order) -> PaymentVerification:
    return PaymentVerification.objects.get(order=order)


@time_machine.travel(NOW, tick=False)
def test_opening_says_why_until_when_and_emails() -> None:
    order = order_awaiting_verification()
    check = check_of(order)
    assert check.reasons == ["over_amount", "country_mismatch"]
    assert check.deadline == NOW + dt.timedelta(hours=72)
    email = OutboxMessage.objects.get(order=order, template="payment_verification")
    assert email.subject == f"Please verify the payment of your order {order.number}"
    assert "Friday, March 13 at 11:00\u202fAM EDT" in email.body_text
    assert "The billing address is in another country than the delivery address." in email.body_text
    assert OrderEvent.objects.filter(order=order, kind="payment_updated").exists()
    # Opening again (the store repeats its event) changes nothing.
    verification_open(payment=order.payments.get(), actor=Actor.integration("store"))
    assert PaymentVerification.objects.filter(order=order).count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_store_event_opens_the_check_and_schedules_the_deadline_job(
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    from shopdesk.api.auth import token_create
    from tests.integration.payloads import StoreClient

    order = factories.OrderFactory(total=Decimal("98.00"))
    factories.PaymentFactory(
        order=order, external_id="pay-9", state=PaymentState.AUTHORISED, amount_captured=0
    )
    store = StoreClient(token_create(name="t").secret)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = store.post("/payments/pay-9/events", {"kind": "verification_required"})
    assert response.status_code in (200, 201), response.content
    check = check_of(order)
    assert check.reasons == ["provider_request"]
    job = DBTaskResult.objects.get()
    assert job.args_kwargs["kwargs"] == {"verification_id": check.pk}
    assert job.run_after == check.deadline
    # The provider verifies it itself (3-D Secure): the check closes as approved.
    store.post("/payments/pay-9/events", {"kind": "verified"})
    assert check_of(order).status == VerificationCaseStatus.APPROVED


@time_machine.travel(NOW, tick=False)
def test_order_view_shows_reasons_deadline_and_step(client: Client) -> None:
    order = order_awaiting_verification()
    body = client.get(f"{BASE}/{order.number}", **bearer(order)).json()
    assert body["status"]["payment"] == "awaiting_verification"
    assert "preparing" not in body["summary"] and "verify your payment by" in body["summary"]
    check = body["payment_issue"]["verification"]
    assert [r["code"] for r in check["reasons"]] == ["over_amount", "country_mismatch"]
    assert check["status"] == "awaiting_customer" and check["overdue"] is False
    assert body["actions"]["verify_payment"]["allowed"] is True
    assert body["unshipped"]["ship_by"] is None


@time_machine.travel(NOW, tick=False)
def test_submission_as_owner_other_customer_and_anonymous(client: Client) -> None:
    order = order_awaiting_verification()
    stranger = order_awaiting_verification()
    url = f"{BASE}/{order.number}/verification"
    body = {"card_last4": "4242", "billing_postcode": "sw1a 1aa"}

    assert client.post(url, body, content_type="application/json").status_code == 401
    theirs = client.post(url, body, content_type="application/json", **bearer(stranger))
    assert theirs.status_code == 404
    assert check_of(order).status == VerificationCaseStatus.AWAITING_CUSTOMER

    mine = client.post(url, body, content_type="application/json", **bearer(order))
    assert mine.status_code == 200, mine.content
    assert mine.json()["result"]["status"] == "under_review"
    assert mine.json()["eligibility"]["code"] == "verification_under_review"
    check = check_of(order)
    assert (check.method, check.card_last4, check.billing_postcode) == ("card_details", "4242", "SW1A 1AA")
    assert OutboxMessage.objects.filter(order=order, template="payment_verification").count() == 2
    again = client.post(url, body, content_type="application/json", **bearer(order))
    assert again.status_code == 409 and again.json()["error"]["code"] == "verification_under_review"


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"card_last4": "42a2", "billing_postcode": "SW1A 1AA"}, "card_last4"),
        ({"card_last4": "4242", "billing_postcode": ""}, "billing_postcode"),
        ({"card_last4": "4242", "billing_postcode": "<script>"}, "billing_postcode"),
        ({"card_last4": "4242", "billing_postcode": "SW1A", "cvc": "123"}, "cvc"),
    ],
)
def test_bad_answers_are_a_422_naming_the_field(client: Client, body: dict[str, str], field: str) -> None:
    order = order_awaiting_verification()
    response = client.post(
        f"{BASE}/{order.number}/verification", body, content_type="application/json", **bearer(order)
    )
    assert response.status_code == 422, response.content
    assert field in str(response.json()["error"])
    assert check_of(order).status == VerificationCaseStatus.AWAITING_CUSTOMER


@time_machine.travel(NOW, tick=False)
def test_a_document_is_sniffed_size_checked_and_stored_under_a_random_name(
    client: Client, media: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = order_awaiting_verification()
    url = f"{BASE}/{order.number}/verification"
    fake = SimpleUploadedFile("statement.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = client.post(url, {"document": fake}, **bearer(order))
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "document_type"
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (5120 * 1024), content_type="application/pdf")
    too_large = client.post(url, {"document": big}, **bearer(order))
    assert too_large.status_code == 422 and too_large.json()["error"]["code"] == "document_too_large"
    assert not list(media.rglob("*.*"))

    good = SimpleUploadedFile("my statement.png", PDF, content_type="image/png")  # the bytes say PDF
    response = client.post(url, {"document": good}, **bearer(order))
    assert response.status_code == 200, response.content
    check = check_of(order)
    assert check.method == "document" and check.document_type == "application/pdf"
    assert check.document_size == len(PDF)
    name = Path(check.document.name)
    assert name.parent.name == "payment-verification" and name.suffix == ".pdf"
    assert "statement" not in name.name and len(name.stem) == 32
    assert (media / check.document.name).read_bytes() == PDF
    assert client.get(f"/media/{check.document.name}").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_web_form_records_the_answer(client: Client) -> None:
    order = order_awaiting_verification()
    assert client.post("/orders/", {"order_number": order.number, "email": order.email}).status_code == 302
    page = client.get(f"/orders/{order.number}/")
    assert f'href="/orders/{order.number}/verification/"' in page.content.decode()
    form = client.get(f"/orders/{order.number}/verification/").content.decode()
    assert "The billing address is in another country than the delivery address." in form
    assert "Friday, March 13 at 11:00\u202fAM EDT" in form
    bad = client.post(f"/orders/{order.number}/verification/", {"card_last4": "12", "billing_postcode": "X1"})
    assert bad.status_code == 400 and "four digits" in bad.content.decode()
    done = client.post(
        f"/orders/{order.number}/verification/", {"card_last4": "4242", "billing_postcode": "SW1A 1AA"}
    )
    assert done.status_code == 302
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert "Thanks: we have your answer" in page and "Under review" in page


def test_after_the_deadline_a_late_answer_is_refused(client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        order = order_awaiting_verification()
    with time_machine.travel(NOW + dt.timedelta(hours=73), tick=False):
        response = client.post(
            f"{BASE}/{order.number}/verification",
            {"card_last4": "4242", "billing_postcode": "SW1A 1AA"},
            content_type="application/json",
            **bearer(order),
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "verification_deadline_passed"
        view = client.get(f"{BASE}/{order.number}", **bearer(order)).json()
        assert view["payment_issue"]["verification"]["overdue"] is True


def test_the_worker_runs_the_deadline_job_which_cancels_per_policy(
    django_capture_on_commit_callbacks: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker closes connections it thinks are old (the clock jumps days here); the test's one stays.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        order = order_awaiting_verification()
    with time_machine.travel(NOW + dt.timedelta(hours=71), tick=False):
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        assert check_of(order).status == VerificationCaseStatus.AWAITING_CUSTOMER  # not due yet
    with time_machine.travel(NOW + dt.timedelta(hours=72, minutes=1), tick=False):
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    check = check_of(order)
    order.refresh_from_db()
    assert check.status == VerificationCaseStatus.EXPIRED
    assert order.is_cancelled
    payment = Payment.objects.get(order=order)
    assert payment.verification_status == VerificationStatus.FAILED
    assert payment.state == PaymentState.VOIDED  # the hold is released: nothing was taken
    assert "cancelled" in check.outcome
    assert OutboxMessage.objects.filter(
        order=order, template="payment_verification", subject__contains="ran out"
    ).exists()
    # Running it again changes nothing.
    assert verification_deadline.call(verification_id=check.pk) == VerificationCaseStatus.EXPIRED


def test_when_the_policy_says_ship_the_order_ships(policy: Callable[..., None]) -> None:
    policy(**{'verification_expired = "cancel"': 'verification_expired = "ship"'})
    with time_machine.travel(NOW, tick=False):
        order = order_awaiting_verification()
    with time_machine.travel(NOW + dt.timedelta(hours=80), tick=False):
        assert verification_deadlines_sweep.call() == 1
    order.refresh_from_db()
    assert not order.is_cancelled
    assert Payment.objects.get(order=order).verification_status == VerificationStatus.VERIFIED
    assert "ships" in check_of(order).outcome


@time_machine.travel(NOW, tick=False)
def test_an_agent_approves_or_rejects() -> None:
    approved, rejected = order_awaiting_verification(), order_awaiting_verification()
    agent = Actor.agent("sam")
    verification_decide(verification=check_of(approved), approve=True, actor=agent)
    assert Payment.objects.get(order=approved).verification_status == VerificationStatus.VERIFIED
    verification_decide(
        verification=check_of(rejected), approve=False, actor=agent, note="card reported stolen"
    )
    rejected.refresh_from_db()
    assert rejected.is_cancelled and check_of(rejected).status == VerificationCaseStatus.REJECTED
    with pytest.raises(Conflict):
        verification_decide(verification=check_of(approved), approve=False, actor=agent)
    # The deadline job leaves a decided check alone.
    with time_machine.travel(NOW + dt.timedelta(days=5), tick=False):
        assert verification_deadline_apply(verification_id=check_of(approved).pk).status == "approved"  # type: ignore[union-attr]
    approved.refresh_from_db()
    assert not approved.is_cancelled


@time_machine.travel(NOW, tick=False)
def test_admin_actions_decide_and_serve_the_document_to_staff_only(client: Client, media: Path) -> None:
    from django.contrib.auth.models import User

    from shopdesk.payments.services.verification import VerificationDocument, verification_submit

    order = order_awaiting_verification()
    verification_submit(
        verification=check_of(order), actor=Actor.customer(order.email), document=VerificationDocument(PDF)
    )
    check = check_of(order)
    url = f"/admin/payments/paymentverification/{check.pk}/document/"
    assert client.get(url).status_code == 302  # to the admin login
    User.objects.create_superuser("boss", "boss@example.com", "pw")
    client.login(username="boss", password="pw")
    served = client.get(url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
    response = client.post(
        "/admin/payments/paymentverification/",
        {"action": "approve", "_selected_action": [check.pk]},
    )
    assert response.status_code == 302
    assert check_of(order).status == VerificationCaseStatus.APPROVED
    assert check_of(order).decided_by == "boss"
