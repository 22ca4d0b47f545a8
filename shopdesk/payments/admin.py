from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError
from shopdesk.orders.admin import order_admin_inline_add
from shopdesk.payments.models import Payment, PaymentVerification, Refund, RefundLine
from shopdesk.payments.services.refund_retry import refund_retry
from shopdesk.payments.services.verification import verification_decide


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = [
        "method",
        "state",
        "amount",
        "amount_captured",
        "amount_refunded",
        "decline_code",
        "verification_status",
    ]
    show_change_link = True


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    fields = readonly_fields = ("amount", "points", "status", "reason", "created_at")
    show_change_link = True


order_admin_inline_add(PaymentInline)
order_admin_inline_add(RefundInline)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "method",
        "state",
        "amount",
        "amount_captured",
        "amount_refunded",
        "currency",
        "decline_code",
        "verification_status",
    ]
    list_filter = ["method", "state", "verification_status", "decline_code"]
    search_fields = ["order__number", "provider_reference"]
    raw_id_fields = ["order"]
    list_select_related = ["order"]


class RefundLineInline(admin.TabularInline):
    model = RefundLine
    extra = 0
    raw_id_fields = ["order_line"]


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["order", "amount", "points", "currency", "status", "reason", "created_at"]
    list_filter = ["status"]
    search_fields = ["order__number", "idempotency_key"]
    raw_id_fields = ["order", "payment"]
    list_select_related = ["order"]
    inlines = [RefundLineInline]
    actions = ["retry"]

    @admin.action(description="Send the failed refunds again to the payment provider")
    def retry(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        actor = Actor.agent(request.user.get_username() or "admin")
        sent = 0
        for refund in queryset.order_by("pk"):
            try:
                done = refund_retry(refund_id=refund.pk, actor=actor, note="from the admin")
            except DomainError as refusal:
                self.message_user(request, f"{refund}: {refusal.message}", messages.WARNING)
                continue
            sent += not done.replayed
        self.message_user(request, f"{sent} refund(s) sent again.")


@admin.register(PaymentVerification)
class PaymentVerificationAdmin(admin.ModelAdmin):
    """Agents decide payment checks here (the desk will call the same service, verification_decide)."""

    list_display = ["order", "status", "deadline", "method", "submitted_at", "card_matches", "decided_by"]
    list_filter = ["status", "method"]
    search_fields = ["order__number"]
    list_select_related = ["order", "payment"]
    actions = ["approve", "reject"]
    readonly_fields = [
        "order",
        "payment",
        "status",
        "reasons",
        "deadline",
        "method",
        "card_last4",
        "card_matches",
        "billing_postcode",
        "billing_postcode_on_order",
        "document_link",
        "document_type",
        "document_size",
        "submitted_at",
        "decided_at",
        "decided_by",
        "outcome",
    ]
    fields = tuple(readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a check opens when the store says a payment needs one

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(boolean=True, description="Card digits match")
    def card_matches(self, obj: PaymentVerification) -> bool | None:
        if not obj.card_last4:
            return None
        return obj.card_last4 == obj.payment.card_last4

    @admin.display(description="Billing postcode on the order")
    def billing_postcode_on_order(self, obj: PaymentVerification) -> str:
        return obj.order.billing_address.postcode

    @admin.display(description="Document")
    def document_link(self, obj: PaymentVerification) -> str:
        if not obj.document:
            return "—"
        url = reverse("admin:payments_paymentverification_document", args=[obj.pk])
        return format_html('<a href="{}">Open the document</a>', url)

    def get_urls(self) -> list[Any]:
        extra = [
            path(
                "<int:pk>/document/",
                self.admin_site.admin_view(self.document_view),
                name="payments_paymentverification_document",
            )
        ]
        return extra + super().get_urls()

    def document_view(self, request: HttpRequest, pk: int) -> FileResponse:
        """Only signed-in staff who may view checks get the file; it has no public URL."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        found = get_object_or_404(PaymentVerification, pk=pk)
        if not found.document:
            raise Http404("No document")
        response = FileResponse(found.document.open("rb"), content_type=found.document_type)
        response["Content-Disposition"] = "attachment"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def _decide(self, request: HttpRequest, queryset: QuerySet[PaymentVerification], approve: bool) -> None:
        actor = Actor.agent(request.user.get_username() or "admin")
        done = 0
        for verification in queryset.order_by("pk"):
            try:
                verification_decide(verification=verification, approve=approve, actor=actor)
                done += 1
            except DomainError as refusal:
                self.message_user(request, f"{verification.order}: {refusal.message}", messages.WARNING)
        if done:
            self.message_user(request, f"{done} check(s) {'approved' if approve else 'rejected'}.")

    @admin.action(description="Approve: the payment is verified, the order ships")
    def approve(self, request: HttpRequest, queryset: QuerySet[PaymentVerification]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject: cancel the order and refund it")
    def reject(self, request: HttpRequest, queryset: QuerySet[PaymentVerification]) -> None:
        self._decide(request, queryset, approve=False)
