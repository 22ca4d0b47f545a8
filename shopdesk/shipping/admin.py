from django.contrib import admin

from shopdesk.orders.admin import order_admin_inline_add
from shopdesk.shipping.models import Case, Shipment, ShipmentLine, TrackingEvent


class ShipmentInline(admin.TabularInline):
    model = Shipment
    extra = 0
    fields = ["carrier", "tracking_number", "origin_warehouse", "status", "shipped_at", "delivered_at"]
    show_change_link = True


order_admin_inline_add(ShipmentInline)


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    extra = 0
    raw_id_fields = ["order_line"]


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    fields = ["occurred_at", "status", "location", "description"]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = [
        "order",
        "carrier",
        "tracking_number",
        "origin_warehouse",
        "status",
        "shipped_at",
        "last_event_at",
    ]
    list_filter = ["carrier", "status", "origin_warehouse"]
    search_fields = ["tracking_number", "order__number"]
    raw_id_fields = ["order"]
    list_select_related = ["order"]
    inlines = [ShipmentLineInline, TrackingEventInline]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "status", "order", "shipment", "reason", "opened_at"]
    list_filter = ["kind", "status"]
    search_fields = ["reference", "order__number", "shipment__tracking_number"]
    raw_id_fields = ["order", "shipment"]
    list_select_related = ["order", "shipment"]
    readonly_fields = ["reference", "opened_at", "opened_by_kind", "opened_by_label"]
