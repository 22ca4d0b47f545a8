from django.contrib import admin

from shopdesk.promotions.models import Coupon


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "kind",
        "value",
        "min_subtotal",
        "exclusive",
        "starts_at",
        "ends_at",
        "times_used",
        "active",
    ]
    list_filter = ["kind", "exclusive", "active"]
    search_fields = ["code", "description"]
    filter_horizontal = ["excluded_categories"]
