from django.contrib import admin

from shopdesk.catalog.models import Category, PriceChange, Product, Variant


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "hygiene"]
    prepopulated_fields = {"slug": ["name"]}


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["sku", "size", "colour", "price", "price_kind", "stock", "active"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "category",
        "final_sale",
        "hygiene",
        "custom_made",
        "gift_card",
        "published_at",
        "active",
    ]
    list_filter = ["category", "final_sale", "hygiene", "active"]
    search_fields = ["name", "external_id", "variants__sku"]
    inlines = [VariantInline]
    list_select_related = ["category"]


@admin.register(PriceChange)
class PriceChangeAdmin(admin.ModelAdmin):
    list_display = ["variant", "price", "kind", "starts_at"]
    list_filter = ["kind"]
    search_fields = ["variant__sku"]
    raw_id_fields = ["variant"]
    list_select_related = ["variant__product"]
