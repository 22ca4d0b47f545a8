"""Catalog writes: upsert a product with its variants from the store platform (price changes kept as history)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from shopdesk.catalog.models import Category, PriceChange, Product, Variant
from shopdesk.catalog.sync_data import ProductData, VariantData
from shopdesk.core.actors import Actor
from shopdesk.core.sync.changes import changes
from shopdesk.core.sync.errors import KeyConflict
from shopdesk.core.sync.outcome import Upserted, UpsertStatus, atomic_with_retry

DEFAULT_CATEGORY = "uncategorised"


def product_upsert(*, external_id: str, data: ProductData, actor: Actor) -> Upserted:
    """Create or update the product and its variants; a new price appends a PriceChange row.

    Variants the store no longer sends are deactivated, not deleted: past order lines point at them.
    """
    return atomic_with_retry(
        lambda: _product_upsert(external_id=external_id, data=data), what=f'Product "{external_id}"'
    )


def _category(*, slug: str, name: str | None) -> Category:
    category, created = Category.objects.get_or_create(
        slug=slug, defaults={"name": name or slug.replace("-", " ").replace("_", " ").capitalize()}
    )
    if not created and name and category.name != name:
        Category.objects.filter(pk=category.pk).update(name=name)
        category.name = name
    return category


def _product_fields(*, external_id: str, data: ProductData, category: Category) -> dict[str, Any]:
    return {
        "name": data.name,
        "slug": data.slug or slugify(f"{data.name}-{external_id}")[:160] or slugify(external_id),
        "description": data.description,
        "category_id": category.pk,
        "final_sale": data.final_sale,
        "hygiene": data.hygiene,
        "custom_made": data.custom_made,
        "gift_card": data.gift_card,
        "active": data.active,
        **({"published_at": data.published_at} if data.published_at else {}),
    }


def _product_upsert(*, external_id: str, data: ProductData) -> Upserted:
    product = Product.objects.select_for_update().filter(external_id=external_id).order_by().first()
    category = _category(slug=data.category, name=data.category_name)
    wanted = _product_fields(external_id=external_id, data=data, category=category)
    slug_owner = (
        Product.objects.filter(slug=wanted["slug"]).exclude(external_id=external_id).order_by().first()
    )
    if slug_owner is not None:
        raise KeyConflict(
            f'Slug "{wanted["slug"]}" belongs to product "{slug_owner.external_id}".', field="slug"
        )
    now = timezone.now()
    created = product is None
    if product is None:
        wanted.setdefault("published_at", now)
        product = Product.objects.create(external_id=external_id, **wanted)
        product_changed = True
    else:
        _before, after = changes({key: getattr(product, key) for key in wanted}, wanted)
        for key, value in wanted.items():
            if key in after:
                setattr(product, key, value)
        if after:
            product.save(update_fields=[*after.keys(), "updated_at"])
        product_changed = bool(after)
    variants_changed = _variants_upsert(
        product=product, variants=data.variants, price_at=data.price_changed_at or now
    )
    if created:
        status = UpsertStatus.CREATED
    elif product_changed or variants_changed:
        status = UpsertStatus.UPDATED
    else:
        status = UpsertStatus.UNCHANGED
    return Upserted(status=status, kind="product", key=external_id, id=product.pk)


def _variant_fields(variant: VariantData) -> dict[str, Any]:
    return {
        "size": variant.size,
        "colour": variant.colour,
        "price": variant.price,
        "price_kind": variant.price_kind,
        "stock": variant.stock,
        "active": variant.active,
    }


def _variants_upsert(*, product: Product, variants: list[VariantData], price_at: dt.datetime) -> bool:
    skus = [variant.sku for variant in variants]
    existing = {
        v.sku: v for v in Variant.objects.select_for_update().filter(sku__in=skus).select_related("product")
    }
    changed = False
    for index, variant in enumerate(variants):
        wanted = _variant_fields(variant)
        current = existing.get(variant.sku)
        if current is not None and current.product_id != product.pk:
            raise KeyConflict(
                f'SKU "{variant.sku}" in variants.{index}.sku belongs to product "{current.product.external_id}".',
                field=f"variants.{index}.sku",
            )
        if current is None:
            current = Variant.objects.create(product=product, sku=variant.sku, **wanted)
            _price_record(variant=current, at=price_at)
            changed = True
            continue
        _before, after = changes({key: getattr(current, key) for key in wanted}, wanted)
        if not after:
            continue
        for key, value in wanted.items():
            setattr(current, key, value)
        current.save(update_fields=list(after.keys()))
        if "price" in after or "price_kind" in after:
            _price_record(variant=current, at=price_at)
        changed = True
    gone = Variant.objects.filter(product=product, active=True).exclude(sku__in=skus).update(active=False)
    return changed or bool(gone)


def _price_record(*, variant: Variant, at: dt.datetime) -> None:
    # The same instant twice is a correction of that price, not a second change.
    PriceChange.objects.update_or_create(
        variant=variant, starts_at=at, defaults={"price": variant.price, "kind": variant.price_kind}
    )
