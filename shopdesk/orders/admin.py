from django.contrib import admin
from django.http import HttpRequest

from shopdesk.orders.models import (
    Address,
    Customer,
    EmailChangeRequest,
    Order,
    OrderActionRecord,
    OrderCoupon,
    OrderEvent,
    OrderLine,
)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "country", "locale", "created_at"]
    search_fields = ["email", "name", "external_id"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = [
        "product_name",
        "sku",
        "size",
        "colour",
        "quantity",
        "quantity_cancelled",
        "quantity_returned",
        "unit_price",
        "discount_amount",
        "tax_amount",
    ]
    raw_id_fields = ["variant"]


class OrderCouponInline(admin.TabularInline):
    model = OrderCoupon
    extra = 0
    raw_id_fields = ["coupon"]


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    fields = readonly_fields = (
        "created_at",
        "kind",
        "actor_kind",
        "actor_label",
        "message",
        "before",
        "after",
    )
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # the audit trail is append-only, through services


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "email", "placed_at", "total", "currency", "cancelled_at"]
    search_fields = ["number", "email", "external_id"]
    date_hierarchy = "placed_at"
    raw_id_fields = ["customer", "shipping_address", "billing_address"]
    # Packages, payments and refunds add their inlines from their own apps (order_admin_inline_add).
    inlines = [OrderLineInline, OrderCouponInline, OrderEventInline]


def order_admin_inline_add(inline: type[admin.TabularInline]) -> None:
    """Show another app's rows on the order's admin page, above the audit trail."""
    OrderAdmin.inlines = [*OrderAdmin.inlines[:-1], inline, OrderAdmin.inlines[-1]]


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["name", "line1", "city", "postcode", "country"]
    search_fields = ["name", "line1", "postcode"]


@admin.register(OrderActionRecord)
class OrderActionRecordAdmin(admin.ModelAdmin):
    """Read-only: the stored answers that make retried money actions idempotent."""

    list_display = ["order", "action", "created_at"]
    list_filter = ["action"]
    search_fields = ["order__number"]
    readonly_fields = ["key", "order", "action", "request_hash", "result", "created_at"]
    list_select_related = ["order"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(EmailChangeRequest)
class EmailChangeRequestAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "old_email",
        "new_email",
        "created_at",
        "expires_at",
        "confirmed_at",
        "superseded_at",
    ]
    search_fields = ["order__number", "old_email", "new_email"]
    exclude = ["token_hash"]  # never shown: a hash is still a credential to brute-force offline
    readonly_fields = [
        "order",
        "old_email",
        "new_email",
        "requested_by",
        "created_at",
        "expires_at",
        "confirmed_at",
        "superseded_at",
    ]
    list_select_related = ["order"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
