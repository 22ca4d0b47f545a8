from django.contrib import admin

from shopdesk.payments.models import Payment, Refund, RefundLine


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
