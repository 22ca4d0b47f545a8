"""Why an order travels in several packages, and what is in each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shopdesk.orderview.diagnoses.types import Diagnosis, Severity, format_date

if TYPE_CHECKING:
    from shopdesk.orderview.types import OrderPage


def split_shipment_diagnose(*, page: OrderPage) -> Diagnosis | None:
    """None unless the order is (or will be) more than one package."""
    unshipped = [line for line in page.lines if line.quantity_unshipped and not page.is_cancelled]
    if len(page.packages) < 2 and not (page.packages and unshipped):
        return None
    origins = sorted({package.origin_name for package in page.packages})
    packages = [
        {
            "position": package.position,
            "origin": package.origin_name,
            "carrier": package.carrier_name,
            "tracking_number": package.tracking_number,
            "status": package.status,
            "items": [f"{line.quantity} × {line.product_name}" for line in package.lines],
        }
        for package in page.packages
    ]
    if len(origins) > 1:
        code = "split_warehouses"
        why = (
            f"Your items are stocked in different warehouses ({', '.join(origins)}), so each warehouse sent "
            "its own package rather than holding everything back."
        )
    else:
        code = "split_ready_times"
        why = "Some items were ready before others, so we sent what was ready instead of making you wait."
    contents = "; ".join(
        f"package {package.position} from {package.origin_name}: "
        + (", ".join(f"{line.quantity} × {line.product_name}" for line in package.lines) or "no items listed")
        for package in page.packages
    )
    message = f"{why} {contents[:1].upper()}{contents[1:]}."
    if unshipped:
        names = ", ".join(line.product_name for line in unshipped)
        when = f" by {format_date(page.ship_by)}" if page.ship_by else ""
        message += f" Still to ship{when}: {names}."
    return Diagnosis(
        code=code,
        topic="split_shipment",
        title=f"Why your order comes in {page.package_count} packages",
        message=message + " You pay shipping once, however many packages it takes.",
        severity=Severity.INFO,
        facts={
            "packages": packages,
            "warehouses": origins,
            "unshipped": [
                {"line": line.id, "product": line.product_name, "quantity": line.quantity_unshipped}
                for line in unshipped
            ],
        },
    )
