from django.contrib import admin
from django.http import HttpRequest

from shopdesk.promotions.models import Coupon, CouponRedemption


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "kind",
        "value",
        "min_subtotal",
        "min_quantity",
        "exclusive",
        "starts_at",
        "ends_at",
        "times_used",
        "active",
        "public",
    ]
    list_filter = ["kind", "exclusive", "active", "public"]
    # The count moves only through coupon_redeem's conditional update, never by hand.
    readonly_fields = ["times_used"]
    search_fields = ["code", "description"]
    filter_horizontal = ["excluded_categories"]


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(admin.ModelAdmin):
    """Append-only: the record of each use, written by coupon_redeem."""

    list_display = ["coupon", "email", "order", "created_at"]
    search_fields = ["coupon__code", "email"]
    list_select_related = ["coupon", "order"]
    readonly_fields = ["coupon", "email", "order", "idempotency_key", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False
