"""Can the items still be returned? The return window, counted as the policy says (from delivery or order).

return_window_diagnose   open until a day, or closed since a day: the order page says which
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from shopdesk.core.calendar import local_date
from shopdesk.orders.enums import FulfilmentStatus
from shopdesk.orders.return_window import return_window_end
from shopdesk.orderview.diagnoses.types import Diagnosis, Severity, format_date
from shopdesk.policy import get_policy

if TYPE_CHECKING:
    from shopdesk.orderview.types import OrderPage


def return_window_diagnose(*, page: OrderPage, now: dt.datetime) -> Diagnosis | None:
    """Only for a delivered order: before that, nothing can be returned yet."""
    if page.fulfilment_status != FulfilmentStatus.DELIVERED:
        return None
    policy = get_policy()
    end = return_window_end(
        placed_at=page.placed_at,
        delivered_at=[p.delivered_at for p in page.packages if p.delivered_at],
        policy=policy,
    )
    if end is None:
        return None
    last_day = local_date(end, policy)
    counted = "delivery" if policy.returns.window_starts == "delivery" else "the order date"
    facts = {
        "window_days": policy.returns.window_days,
        "starts": policy.returns.window_starts,
        "ends_at": end,
    }
    if now < end:
        return Diagnosis(
            code="return_window_open",
            topic="return_window",
            title="Returns are open",
            message=(
                f"You can return items from this order until {format_date(last_day)} "
                f"({policy.returns.window_days} days from {counted})."
            ),
            severity=Severity.OK,
            facts={**facts, "open": True},
        )
    return Diagnosis(
        code="return_window_closed",
        topic="return_window",
        title="The return window has closed",
        message=(
            f"The return window closed on {format_date(last_day)}, {policy.returns.window_days} days after "
            f"{counted}, so items from this order can no longer be returned."
        ),
        severity=Severity.INFO,
        facts={**facts, "open": False},
    )
