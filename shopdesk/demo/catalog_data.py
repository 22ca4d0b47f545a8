"""The demo catalogue of KWOKING: categories and products as data, so a reader sees the store at a glance.

Each product names its sizes, colours, base price, return flags and its *price story* (what happened to
its price lately), which is how the price-adjustment rules get cases on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class CategorySpec:
    slug: str
    name: str
    hygiene: bool = False


@dataclass(frozen=True, slots=True)
class ProductSpec:
    key: str  # stable id: the product's external id and slug are made from it
    name: str
    category: str
    price: Decimal
    sizes: tuple[str, ...]
    colours: tuple[str, ...]
    # steady | regular_drop | sale | flash_sale | clearance | old_sale (a past sale, back at full price)
    story: str = "steady"
    new_arrival: bool = False
    final_sale: bool = False
    custom_made: bool = False
    gift_card: bool = False
    description: str = ""


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("tops", "Tops"),
    CategorySpec("dresses", "Dresses"),
    CategorySpec("trousers", "Trousers and jeans"),
    CategorySpec("outerwear", "Coats and jackets"),
    CategorySpec("shoes", "Shoes"),
    CategorySpec("accessories", "Accessories"),
    CategorySpec("underwear", "Underwear", hygiene=True),
    CategorySpec("swimwear", "Swimwear", hygiene=True),
    CategorySpec("earrings", "Earrings", hygiene=True),
    CategorySpec("gift-cards", "Gift cards"),
    CategorySpec("personalised", "Personalised and made to order"),
    CategorySpec("clearance", "Clearance"),
)

LETTER_SIZES = ("XS", "S", "M", "L", "XL")
WAIST_SIZES = ("26", "27", "28", "29", "30", "31", "32", "34")
SHOE_SIZES = ("36", "37", "38", "39", "40", "41", "42", "43", "44")
ONE_SIZE = ("One size",)
D = Decimal

PRODUCTS: tuple[ProductSpec, ...] = (
    # tops
    ProductSpec(
        "organic-cotton-tee",
        "Organic Cotton Tee",
        "tops",
        D("28.00"),
        LETTER_SIZES,
        ("White", "Black", "Navy", "Sage"),
        story="regular_drop",
    ),
    ProductSpec(
        "linen-camp-shirt",
        "Linen Camp Shirt",
        "tops",
        D("68.00"),
        LETTER_SIZES[1:],
        ("Ecru", "Sky", "Olive"),
        story="sale",
    ),
    ProductSpec(
        "merino-crew-sweater",
        "Merino Crew Sweater",
        "tops",
        D("98.00"),
        LETTER_SIZES,
        ("Charcoal", "Oat", "Forest"),
    ),
    ProductSpec(
        "relaxed-oxford-shirt",
        "Relaxed Oxford Shirt",
        "tops",
        D("64.00"),
        LETTER_SIZES[1:],
        ("Blue", "White", "Pink"),
        story="flash_sale",
    ),
    ProductSpec("ribbed-tank", "Ribbed Tank", "tops", D("22.00"), LETTER_SIZES, ("White", "Black", "Rust")),
    ProductSpec(
        "cashmere-hoodie",
        "Cashmere Hoodie",
        "tops",
        D("160.00"),
        LETTER_SIZES[1:],
        ("Heather Grey", "Camel"),
        new_arrival=True,
    ),
    # dresses
    ProductSpec(
        "wrap-midi-dress",
        "Wrap Midi Dress",
        "dresses",
        D("118.00"),
        LETTER_SIZES[:4],
        ("Black", "Terracotta", "Floral"),
        story="regular_drop",
    ),
    ProductSpec(
        "linen-slip-dress",
        "Linen Slip Dress",
        "dresses",
        D("98.00"),
        LETTER_SIZES[:4],
        ("Natural", "Cobalt"),
        story="old_sale",
    ),
    ProductSpec(
        "knit-sweater-dress",
        "Knit Sweater Dress",
        "dresses",
        D("128.00"),
        LETTER_SIZES[:4],
        ("Oat", "Charcoal"),
        new_arrival=True,
    ),
    ProductSpec(
        "poplin-shirt-dress",
        "Poplin Shirt Dress",
        "dresses",
        D("108.00"),
        LETTER_SIZES[:4],
        ("White", "Stripe"),
        story="flash_sale",
    ),
    # trousers
    ProductSpec(
        "wide-leg-trousers", "Wide-Leg Trousers", "trousers", D("88.00"), LETTER_SIZES, ("Black", "Stone")
    ),
    ProductSpec(
        "straight-selvedge-jeans",
        "Straight Selvedge Jeans",
        "trousers",
        D("118.00"),
        WAIST_SIZES,
        ("Indigo", "Washed Black"),
        story="sale",
    ),
    ProductSpec(
        "pleated-chinos", "Pleated Chinos", "trousers", D("78.00"), LETTER_SIZES, ("Khaki", "Navy", "Olive")
    ),
    ProductSpec(
        "drawstring-linen-pants",
        "Drawstring Linen Pants",
        "trousers",
        D("72.00"),
        LETTER_SIZES[:4],
        ("Natural", "Black"),
        story="regular_drop",
    ),
    # outerwear
    ProductSpec(
        "wool-overcoat", "Wool Overcoat", "outerwear", D("298.00"), LETTER_SIZES[:4], ("Camel", "Charcoal")
    ),
    ProductSpec(
        "quilted-liner-jacket",
        "Quilted Liner Jacket",
        "outerwear",
        D("148.00"),
        LETTER_SIZES[:4],
        ("Olive", "Navy"),
        story="sale",
    ),
    ProductSpec(
        "waxed-field-jacket",
        "Waxed Field Jacket",
        "outerwear",
        D("228.00"),
        LETTER_SIZES[1:],
        ("Tobacco", "Black"),
    ),
    ProductSpec(
        "recycled-puffer",
        "Recycled Puffer Jacket",
        "outerwear",
        D("198.00"),
        LETTER_SIZES,
        ("Black", "Sand"),
        new_arrival=True,
    ),
    # shoes
    ProductSpec(
        "leather-chelsea-boots",
        "Leather Chelsea Boots",
        "shoes",
        D("210.00"),
        SHOE_SIZES,
        ("Black", "Brown"),
        story="regular_drop",
    ),
    ProductSpec(
        "canvas-court-sneakers",
        "Canvas Court Sneakers",
        "shoes",
        D("78.00"),
        SHOE_SIZES,
        ("White", "Navy", "Ecru"),
    ),
    ProductSpec(
        "suede-loafers",
        "Suede Loafers",
        "shoes",
        D("168.00"),
        SHOE_SIZES,
        ("Tan", "Navy"),
        story="flash_sale",
    ),
    ProductSpec(
        "leather-sandals", "Leather Sandals", "shoes", D("98.00"), SHOE_SIZES[:7], ("Black", "Cognac")
    ),
    # accessories
    ProductSpec(
        "leather-belt", "Leather Belt", "accessories", D("48.00"), ("S", "M", "L"), ("Black", "Brown")
    ),
    ProductSpec(
        "wool-beanie", "Wool Beanie", "accessories", D("32.00"), ONE_SIZE, ("Charcoal", "Mustard", "Navy")
    ),
    ProductSpec("canvas-tote", "Canvas Tote", "accessories", D("38.00"), ONE_SIZE, ("Natural", "Black")),
    ProductSpec(
        "silk-scarf", "Silk Scarf", "accessories", D("58.00"), ONE_SIZE, ("Paisley", "Navy Dot"), story="sale"
    ),
    # hygiene categories
    ProductSpec(
        "cotton-briefs-3",
        "Organic Cotton Briefs (3 pack)",
        "underwear",
        D("34.00"),
        LETTER_SIZES,
        ("Black", "White"),
    ),
    ProductSpec(
        "lace-bralette", "Lace Bralette", "underwear", D("38.00"), LETTER_SIZES[:4], ("Black", "Blush")
    ),
    ProductSpec(
        "boxer-briefs-3", "Boxer Briefs (3 pack)", "underwear", D("36.00"), LETTER_SIZES[1:], ("Navy", "Grey")
    ),
    ProductSpec(
        "bikini-bottoms", "Bikini Bottoms", "swimwear", D("42.00"), LETTER_SIZES[:4], ("Black", "Coral")
    ),
    ProductSpec(
        "swim-shorts", "Swim Shorts", "swimwear", D("58.00"), LETTER_SIZES[1:], ("Navy", "Palm Print")
    ),
    ProductSpec(
        "one-piece-swimsuit",
        "One-Piece Swimsuit",
        "swimwear",
        D("88.00"),
        LETTER_SIZES[:4],
        ("Black", "Emerald"),
        story="regular_drop",
    ),
    ProductSpec(
        "gold-hoop-earrings", "Gold Hoop Earrings", "earrings", D("68.00"), ONE_SIZE, ("Gold", "Silver")
    ),
    ProductSpec("pearl-stud-earrings", "Pearl Stud Earrings", "earrings", D("54.00"), ONE_SIZE, ("Pearl",)),
    # gift cards: the "size" is the card's value
    ProductSpec(
        "gift-card",
        "KWOKING Gift Card",
        "gift-cards",
        D("50.00"),
        ("$25", "$50", "$100", "$200"),
        ("",),
        gift_card=True,
    ),
    # personalised and made to order
    ProductSpec(
        "monogrammed-card-holder",
        "Monogrammed Card Holder",
        "personalised",
        D("65.00"),
        ONE_SIZE,
        ("Black", "Tan"),
        custom_made=True,
    ),
    ProductSpec(
        "initial-necklace",
        "Personalised Initial Necklace",
        "personalised",
        D("78.00"),
        ONE_SIZE,
        ("Gold", "Silver"),
        custom_made=True,
    ),
    ProductSpec(
        "made-to-measure-blazer",
        "Made-to-Measure Blazer",
        "personalised",
        D("380.00"),
        ("Made to measure",),
        ("Navy", "Charcoal"),
        custom_made=True,
    ),
    # clearance and final sale
    ProductSpec(
        "printed-blouse",
        "Last-Season Printed Blouse",
        "clearance",
        D("79.00"),
        LETTER_SIZES[:4],
        ("Print",),
        story="clearance",
        final_sale=True,
    ),
    ProductSpec(
        "archive-cardigan",
        "Archive Knit Cardigan",
        "clearance",
        D("110.00"),
        LETTER_SIZES,
        ("Oat", "Moss"),
        story="clearance",
        final_sale=True,
    ),
    ProductSpec(
        "silk-camisole",
        "Sample Sale Silk Camisole",
        "clearance",
        D("29.00"),
        LETTER_SIZES[:4],
        ("Champagne",),
        final_sale=True,
    ),
)

GIFT_CARD_VALUES = {"$25": D("25.00"), "$50": D("50.00"), "$100": D("100.00"), "$200": D("200.00")}
