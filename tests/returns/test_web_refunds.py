"""The return page explains each refund line by line and lets the owner report a problem with it; the form
offers store credit and the other sizes in stock; other customers and visitors see nothing."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.payments.models import Refund
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from shopdesk.shipping.models import Case
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.web.test_actions import sign_in

pytestmark = pytest.mark.django_db
STORE = Actor.integration("warehouse")


def _start(client, order: Order, resolution: str) -> ReturnRequest:
    line = shirt_line(order).pk
    form = {
        "key": "k1",
        f"qty_{line}": "1",
        f"reason_{line}": "changed_mind",
        f"resolution_{line}": resolution,
    }
    assert client.post(f"/orders/{order.number}/returns/new/", {**form, "method": "label"}).status_code == 302
    return ReturnRequest.objects.get(order=order)


def test_the_form_offers_store_credit_and_the_other_sizes_in_stock(client, delivered_order: Order):
    order = delivered_order
    Variant.objects.filter(product__variants__pk=shirt_line(order).variant_id, size="S").update(stock=0)
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/returns/new/").content.decode()
    assert 'value="store_credit">Store credit (+10% bonus)' in page
    assert re.search(r"Prepaid return label \(\$\d+\.\d\d taken off the refund", page)
    large = Variant.objects.get(product__variants__pk=shirt_line(order).variant_id, size="L")
    assert f'value="exchange:{large.sku}">Exchange for Navy / L<' in page
    assert "Navy / S — out of stock" in page


def test_an_exchange_chosen_on_the_form_is_recorded(client, delivered_order: Order):
    order = delivered_order
    large = Variant.objects.get(product__variants__pk=shirt_line(order).variant_id, size="L")
    sign_in(client, order)
    found = _start(client, order, f"exchange:{large.sku}")
    line = found.lines.get()
    assert (line.resolution, line.exchange_sku) == ("exchange", large.sku)


def test_the_return_page_explains_the_refund_and_takes_a_dispute(client, delivered_order: Order):
    order = delivered_order
    sign_in(client, order)
    found = _start(client, order, "refund")
    return_mark_received(rma=found.rma, actor=STORE)
    return_inspect(
        rma=found.rma,
        actor=STORE,
        lines=[
            InspectionLine(shirt_line(order).pk, "deducted", reason="tags missing", deduction=Decimal("4.90"))
        ],
    )
    page = client.get(f"/orders/{order.number}/returns/{found.rma}/").content.decode()
    assert "Refunded $32.15 to your Visa ending 4242" in page
    assert "shipping not refunded (changed my mind)" in page
    # Every amount in the store's money format, as on the order page: the refund's total, the
    # inspection's and the estimate's lines and totals, the label fee on the lines.
    assert '<td class="amount">$32.15</td>' in page
    assert '<td class="amount">-$4.90</td>' in page
    assert " USD<" not in page and not re.search(r'class="amount">-?\d', page)
    assert "Report a problem with this refund" in page

    refund = Refund.objects.get(order=order)
    url = f"/orders/{order.number}/returns/{found.rma}/refunds/{refund.pk}/dispute/"
    response = client.post(url, {"line": ["2"], "message": "Tags <b>were</b> on"}, follow=True)
    case = Case.objects.get(refund=refund)
    assert case.details["questioned"][0]["description"] == "Deduction on Linen shirt (tags missing)"
    assert case.reference in response.content.decode()

    client.logout()
    other = delivered_shirt_and_scarf()
    sign_in(client, other)
    stranger = client.get(f"/orders/{order.number}/returns/{found.rma}/")
    assert stranger.status_code in (302, 404) and b"Refunded" not in stranger.content
    assert client.post(url, {"line": ["0"]}).status_code in (302, 404)
    assert Case.objects.count() == 1


def test_a_visitor_is_sent_to_sign_in(client, delivered_order: Order):
    response = client.post(f"/orders/{delivered_order.number}/returns/RMA-X/refunds/1/dispute/", {})
    assert response.status_code in (302, 403)
    assert not Case.objects.exists()
