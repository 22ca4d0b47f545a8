"""Products, their variants (SKU, size, colour), categories and the history of every price."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from shopdesk.catalog.enums import PriceKind
from shopdesk.core.fields import MoneyField


class Category(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Every product of a hygiene category (underwear, swimwear, earrings) is non-returnable.
    hygiene = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    external_id = models.CharField(
        max_length=100, unique=True, help_text="The product's id in the store platform."
    )
    slug = models.SlugField(max_length=160, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    final_sale = models.BooleanField(default=False)
    hygiene = models.BooleanField(default=False)
    custom_made = models.BooleanField(default=False)
    gift_card = models.BooleanField(default=False)
    published_at = models.DateTimeField(db_index=True, help_text="When it went on sale (new arrivals).")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def return_flags(self) -> list[str]:
        """The non-returnable flags that apply, product and category together."""
        flags = [
            name for name in ("final_sale", "hygiene", "custom_made", "gift_card") if getattr(self, name)
        ]
        if self.category.hygiene and "hygiene" not in flags:
            flags.append("hygiene")
        return flags


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64, unique=True)
    size = models.CharField(max_length=20, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    price = MoneyField(help_text="The current price, in the store currency.")
    price_kind = models.CharField(max_length=20, choices=PriceKind.choices, default=PriceKind.REGULAR)
    stock = models.IntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["product_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="variant_price_not_negative"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="variant_stock_not_negative"),
        ]

    def __str__(self) -> str:
        details = " / ".join(part for part in (self.colour, self.size) if part)
        return f"{self.product.name} ({details})" if details else self.product.name


class PriceChange(models.Model):
    """One row per price a variant has had, so 'the price dropped since I bought it' can be answered."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="price_history")
    price = MoneyField()
    kind = models.CharField(max_length=20, choices=PriceKind.choices, default=PriceKind.REGULAR)
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["variant_id", "starts_at"]
        indexes = [models.Index(fields=["variant", "starts_at"])]
        constraints = [
            models.UniqueConstraint(fields=["variant", "starts_at"], name="price_change_once_per_instant"),
            models.CheckConstraint(condition=Q(price__gte=0), name="price_change_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku} {self.price} from {self.starts_at:%Y-%m-%d}"
