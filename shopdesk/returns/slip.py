"""The printable return slip: the RMA, a QR code of it, and the address of the warehouse it goes back to."""

from __future__ import annotations

from dataclasses import dataclass

import segno

from shopdesk.policy import get_policy
from shopdesk.returns.models import ReturnRequest


@dataclass(frozen=True, slots=True)
class ReturnSlip:
    rma: str
    order_number: str
    qr_svg: str  # an inline <svg> element, no script, no external reference
    warehouse_name: str
    address_lines: list[str]


def return_slip(return_request: ReturnRequest) -> ReturnSlip:
    policy = get_policy()
    warehouse = policy.warehouse(return_request.origin_warehouse) or policy.store.warehouses[0]
    qr = segno.make(return_request.rma, error="m")
    svg = qr.svg_inline(scale=4, title=f"QR code of {return_request.rma}", omitsize=False)
    return ReturnSlip(
        rma=return_request.rma,
        order_number=return_request.order.number,
        qr_svg=svg,
        warehouse_name=warehouse.name,
        address_lines=list(warehouse.return_address) or [policy.store.name, warehouse.name],
    )
