"""The figures an order shows add up, for every demo order, on the page, in the API and in the emails."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import render_to_string

from shopdesk.notifications.rendering import email_render
from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.serialise import order_page_as_dict
from tests.demo.conftest import ANCHOR

MONEY = re.compile(r"−?\$[\d,]+\.\d\d")


def _amount(value: dict[str, str]) -> Decimal:
    return Decimal(value["amount"])


@pytest.mark.django_db
def test_api_totals_sum_for_every_demo_order(loaded_demo_store_60: list[dict[str, Any]]) -> None:
    for row in loaded_demo_store_60:
        view = order_page_as_dict(order_page(order=Order.objects.get(number=row["number"]), now=ANCHOR))
        t = view["totals"]
        lines = sum((_amount(line["amount"]) for line in view["lines"]), Decimal(0))
        assert lines == _amount(t["items"]), row["number"]
        rows = (
            _amount(t["items"])
            - _amount(t["discounts"])
            + _amount(t["shipping"])
            + _amount(t["tax"])
            + _amount(t["duties"])
            + _amount(t["adjustment"])
        )
        assert rows == _amount(t["total"]), row["number"]
        # The demo's checkout figures add up, so nothing is left to an "other charges" row.
        assert _amount(t["adjustment"]) == 0, row["number"]
        assert _amount(t["total"]) - _amount(t["points_value"]) == _amount(t["paid_by_money"]), row["number"]
        assert _amount(t["charged"]) - _amount(t["refunded"]) == _amount(t["net_paid"]), row["number"]


def _figures(html: str, block_id: str) -> list[Decimal]:
    block = html.split(f'id="{block_id}"', 1)[1].split("</dl>", 1)[0]
    return [Decimal(m.replace("−", "-").replace("$", "").replace(",", "")) for m in MONEY.findall(block)]


@pytest.mark.django_db
def test_page_figures_sum_for_every_demo_order(loaded_demo_store_60: list[dict[str, Any]]) -> None:
    for row in loaded_demo_store_60:
        page = order_page(order=Order.objects.get(number=row["number"]), now=ANCHOR)
        html = render_to_string("web/portal/_order_body.html", {"page": page, "lines": [], "actions": []})
        figures = _figures(html, "totals")
        # items, −discounts, shipping, tax, duties = total [, −points = paid by money]
        total_at = len(figures) - 1 if not page.totals.points_used else len(figures) - 3
        assert sum(figures[:total_at]) == figures[total_at], (row["number"], figures)
        if page.totals.points_used:
            assert figures[total_at] + figures[total_at + 1] == figures[total_at + 2], (
                row["number"],
                figures,
            )


@pytest.mark.django_db
def test_confirmation_email_figures_sum_for_every_demo_order(
    loaded_demo_store_60: list[dict[str, Any]],
) -> None:
    for row in loaded_demo_store_60:
        order = Order.objects.get(number=row["number"])
        text = email_render(template="confirmation", context={}, order=order).text
        rows = [line for line in text.splitlines() if MONEY.search(line) and ":" in line]
        values = [
            Decimal(MONEY.findall(r)[-1].replace("−", "-").replace("$", "").replace(",", "")) for r in rows
        ]
        total_at = next(i for i, r in enumerate(rows) if r.startswith("Total:"))
        assert sum(values[:total_at]) == values[total_at], (row["number"], rows)
        assert order_page(order=order, now=ANCHOR).totals.total.display in rows[total_at]
