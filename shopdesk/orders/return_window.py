"""The return window of an order: when it ends, from the policy (it counts from the order or from delivery)."""

from __future__ import annotations

import datetime as dt

from shopdesk.policy.schema import Policy


def return_window_end(
    *, placed_at: dt.datetime, delivered_at: list[dt.datetime], policy: Policy
) -> dt.datetime | None:
    """None until the window has started (nothing delivered yet when it counts from delivery)."""
    if policy.returns.window_starts == "order":
        start = placed_at
    elif delivered_at:
        start = max(delivered_at)
    else:
        return None
    return start + dt.timedelta(days=policy.returns.window_days)
