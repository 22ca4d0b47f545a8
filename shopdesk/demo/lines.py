"""A demo order line while it is built: the variant it sells, priced by the promotions arithmetic."""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.catalog.enums import ReturnFlag
from shopdesk.demo.catalog_builder import VariantInfo
from shopdesk.promotions.pricing import PricedLine


@dataclass(slots=True, kw_only=True)
class LineDraft(PricedLine):
    variant: VariantInfo

    def __post_init__(self) -> None:
        self.category = self.variant.category
        self.gift_card = ReturnFlag.GIFT_CARD in self.variant.flags
