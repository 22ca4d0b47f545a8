"""`shopdesk demo --list`: one JSON object per demo order, ordered by number."""

from __future__ import annotations

import json
from collections.abc import Iterator

from shopdesk.demo.models import DemoOrder


def demo_order_lines(*, situation: str | None = None) -> Iterator[str]:
    rows = (
        DemoOrder.objects.order_by("order__number")
        .values_list("order__number", "order__email", "situations")
        .iterator(chunk_size=5000)
    )
    for number, email, situations in rows:
        if situation is None or situation in situations:
            yield json.dumps({"number": number, "email": email, "situations": situations}, ensure_ascii=False)
