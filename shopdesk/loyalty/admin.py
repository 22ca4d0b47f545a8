from django.contrib import admin

from shopdesk.loyalty.models import PointsEntry


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    list_display = ["customer", "order", "kind", "points", "available_at", "created_at"]
    list_filter = ["kind"]
    search_fields = ["customer__email", "order__number"]
    raw_id_fields = ["customer", "order"]
    list_select_related = ["customer", "order"]
