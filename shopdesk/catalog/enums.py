from django.db import models


class PriceKind(models.TextChoices):
    REGULAR = "regular", "Regular price"
    SALE = "sale", "Sale"  # an automatic sale price: promo codes do not stack on it
    FLASH_SALE = "flash_sale", "Flash sale"  # short, deep discount: no price adjustment
    CLEARANCE = "clearance", "Clearance"  # last pieces, usually final sale


class ReturnFlag(models.TextChoices):
    """Why an item may not be returned; the reason shown to customers comes from the policy."""

    FINAL_SALE = "final_sale", "Final sale"
    HYGIENE = "hygiene", "Hygiene"
    CUSTOM_MADE = "custom_made", "Custom-made"
    GIFT_CARD = "gift_card", "Gift card"
