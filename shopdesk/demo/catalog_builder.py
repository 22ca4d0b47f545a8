"""Turn the catalogue data into rows: categories, products, variants and each variant's price history.

Dates are relative to the anchor; price stories put recent drops of every kind within the
price-adjustment window so both sides of its rules have cases.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from shopdesk.catalog.enums import PriceKind
from shopdesk.catalog.models import Category, PriceChange, Product, Variant
from shopdesk.demo.catalog_data import CATEGORIES, GIFT_CARD_VALUES, PRODUCTS, ProductSpec
from shopdesk.demo.rows import KeyAllocator, RowBuffer
from shopdesk.policy.schema import Policy

DROP_KINDS = (PriceKind.REGULAR, PriceKind.SALE, PriceKind.FLASH_SALE, PriceKind.CLEARANCE)


@dataclass(slots=True)
class VariantInfo:
    """What the order builder needs to know about a variant, without asking the database."""

    id: int
    sku: str
    size: str
    colour: str
    product_name: str
    product_key: str
    category: str
    flags: list[str]
    published_at: dt.datetime
    story: str
    # (starts_at, price, kind), oldest first
    history: list[tuple[dt.datetime, Decimal, str]] = field(default_factory=list)

    def price_at(self, moment: dt.datetime) -> tuple[Decimal, str]:
        starts = [entry[0] for entry in self.history]
        index = max(bisect.bisect_right(starts, moment) - 1, 0)
        _, price, kind = self.history[index]
        return price, kind

    @property
    def current(self) -> tuple[Decimal, str]:
        _, price, kind = self.history[-1]
        return price, kind

    @property
    def last_drop_at(self) -> dt.datetime | None:
        """When the price last went down, if it ever did."""
        for index in range(len(self.history) - 1, 0, -1):
            if self.history[index][1] < self.history[index - 1][1]:
                return self.history[index][0]
        return None

    @property
    def returnable(self) -> bool:
        return not self.flags


@dataclass(slots=True)
class Catalog:
    variants: list[VariantInfo]
    category_slugs: list[str]  # the categories this load created

    def by_story(self, *stories: str) -> list[VariantInfo]:
        return [v for v in self.variants if v.story in stories]

    def with_flag(self, flag: str) -> list[VariantInfo]:
        return [v for v in self.variants if flag in v.flags]

    def plain(self) -> list[VariantInfo]:
        return [v for v in self.variants if not v.flags]


def _days(rng: random.Random, low: float, high: float) -> dt.timedelta:
    # Whole minutes keep the dates readable and identical across databases.
    return dt.timedelta(minutes=round(rng.uniform(low, high) * 24 * 60))


def _price(base: Decimal, factor: str) -> Decimal:
    return max((base * Decimal(factor)).quantize(Decimal("1")), Decimal("1")).quantize(Decimal("0.01"))


def _story(
    spec: ProductSpec, base: Decimal, published: dt.datetime, anchor: dt.datetime, rng: random.Random
) -> list[tuple[dt.datetime, Decimal, str]]:
    history = [(published, base, PriceKind.REGULAR.value)]
    if spec.story == "regular_drop":
        history.append((anchor - _days(rng, 2, 9), _price(base, "0.80"), PriceKind.REGULAR.value))
    elif spec.story == "sale":
        history.append((anchor - _days(rng, 2, 8), _price(base, "0.70"), PriceKind.SALE.value))
    elif spec.story == "flash_sale":
        history.append((anchor - _days(rng, 1, 4), _price(base, "0.60"), PriceKind.FLASH_SALE.value))
    elif spec.story == "clearance":
        history.append((anchor - _days(rng, 40, 80), _price(base, "0.60"), PriceKind.CLEARANCE.value))
        history.append((anchor - _days(rng, 2, 9), _price(base, "0.40"), PriceKind.CLEARANCE.value))
    elif spec.story == "old_sale":
        history.append((anchor - _days(rng, 100, 130), _price(base, "0.75"), PriceKind.SALE.value))
        history.append((anchor - _days(rng, 60, 90), base, PriceKind.REGULAR.value))
    return history


def build_catalog(
    *,
    policy: Policy,
    anchor: dt.datetime,
    rng: random.Random,
    keys: KeyAllocator,
    buffer: RowBuffer,
    existing_category_slugs: set[str],
) -> Catalog:
    categories: dict[str, int] = {}
    created_slugs: list[str] = []
    for category_spec in CATEGORIES:
        if category_spec.slug in existing_category_slugs:
            continue
        category = Category(
            id=keys(Category), slug=category_spec.slug, name=category_spec.name, hygiene=category_spec.hygiene
        )
        buffer.add(category)
        categories[category_spec.slug] = category.id
        created_slugs.append(category_spec.slug)
    hygiene_categories = {c.slug for c in CATEGORIES if c.hygiene}
    if existing_category_slugs:
        categories.update(
            dict(Category.objects.filter(slug__in=existing_category_slugs).values_list("slug", "id"))
        )

    variants: list[VariantInfo] = []
    new_days = policy.new_arrivals.days
    for spec in PRODUCTS:
        if spec.new_arrival:
            published = anchor - _days(rng, 2, max(new_days - 2, 3))
        else:
            published = anchor - _days(rng, 220, 700)
        product = Product(
            id=keys(Product),
            external_id=f"demo-{spec.key}",
            slug=f"kw-{spec.key}",
            name=spec.name,
            description=spec.description or f"{spec.name} by KWOKING.",
            category_id=categories[spec.category],
            final_sale=spec.final_sale,
            hygiene=spec.category in hygiene_categories,
            custom_made=spec.custom_made,
            gift_card=spec.gift_card,
            published_at=published,
        )
        buffer.add(product)
        flags = [
            name for name in ("final_sale", "hygiene", "custom_made", "gift_card") if getattr(product, name)
        ]
        story = _story(spec, spec.price, published, anchor, rng)
        for colour in spec.colours:
            for size in spec.sizes:
                base = GIFT_CARD_VALUES.get(size, spec.price) if spec.gift_card else spec.price
                history = story if not spec.gift_card else [(published, base, PriceKind.REGULAR.value)]
                colour_code = "".join(word[:3] for word in colour.upper().split()) or "GC"
                size_code = size.upper().replace("$", "").replace(" ", "")[:6]
                info = VariantInfo(
                    id=keys(Variant),
                    sku=f"KW-{spec.key.upper()}-{colour_code}-{size_code}",
                    size=size,
                    colour=colour,
                    product_name=spec.name,
                    product_key=spec.key,
                    category=spec.category,
                    flags=flags,
                    published_at=published,
                    story=spec.story,
                    history=list(history),
                )
                price, kind = info.current
                buffer.add(
                    Variant(
                        id=info.id,
                        product_id=product.id,
                        sku=info.sku,
                        size=size,
                        colour=colour,
                        price=price,
                        price_kind=kind,
                        stock=rng.randrange(0, 80),
                    )
                )
                for starts_at, amount, amount_kind in history:
                    buffer.add(
                        PriceChange(
                            id=keys(PriceChange),
                            variant_id=info.id,
                            price=amount,
                            kind=amount_kind,
                            starts_at=starts_at,
                        )
                    )
                variants.append(info)
    return Catalog(variants=variants, category_slugs=created_slugs)
