from django.contrib import admin

from shopdesk.orders.admin import order_admin_inline_add
from shopdesk.payments.models import Payment, Refund, RefundLine


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
