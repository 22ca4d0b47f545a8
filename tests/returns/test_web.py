"""The portal's return pages: refused items shown with their reason before submit, the return's page with
its timeline, the printable slip with its QR code; another customer and nobody signed in see nothing."""

from __future__ import annotations

import pytest

from shopdesk.orders.models import Order, OrderLine
from shopdesk.returns.models import ReturnRequest
from tests.html import only_package_scripts
from tests.orders.test_services_states import scarf_line, shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.web.test_actions import sign_in

pytestmark = pytest.mark.django_db


def _start(client, order: Order, **extra: str):
    form = {
        "key": "k1",
        f"qty_{shirt_line(order).pk}": "1",
        f"reason_{shirt_line(order).pk}": "too_small",
        "method": "label",
        **extra,
    }
    return client.post(f"/orders/{order.number}/returns/new/", form)


def test_the_form_shows_a_refused_item_with_its_reason_before_submit(client, delivered_order: Order):
    order = delivered_order
    OrderLine.objects.filter(pk=scarf_line(order).pk).update(return_flags=["final_sale"])
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/returns/new/").content.decode()
    assert 'data-code="final_sale"' in page and "Final Sale" in page
    assert f'name="qty_{shirt_line(order).pk}"' in page
    assert f'name="qty_{scarf_line(order).pk}"' not in page
    assert "Too small" in page and only_package_scripts(page)


def test_the_order_page_links_the_return_form(client, delivered_order: Order):
    sign_in(client, delivered_order)
    page = client.get(f"/orders/{delivered_order.number}/").content.decode()
    assert f"/orders/{delivered_order.number}/returns/new/" in page


def test_submitting_starts_the_return_and_shows_its_timeline_and_slip(client, delivered_order: Order):
    order = delivered_order
    sign_in(client, order)
    response = _start(client, order)
    assert response.status_code == 302
    rma = ReturnRequest.objects.get(order=order).rma
    assert response["Location"] == f"/orders/{order.number}/returns/{rma}/"
    detail = client.get(response["Location"]).content.decode()
    assert rma in detail and "Return approved" in detail and "Return label" in detail
    slip = client.get(f"/orders/{order.number}/returns/{rma}/slip/").content.decode()
    assert "<svg" in slip and rma in slip and "Edison, NJ 08837" in slip
    # The same form sent twice (a double click) makes one return.
    assert _start(client, order).status_code == 302
    assert ReturnRequest.objects.filter(order=order).count() == 1


def test_nothing_chosen_is_refused_on_the_page_and_changes_nothing(client, delivered_order: Order):
    sign_in(client, delivered_order)
    response = _start(client, delivered_order, **{f"qty_{shirt_line(delivered_order).pk}": "0"})
    assert response.status_code == 422 and "Choose at least one item" in response.content.decode()
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize("page", ["returns/new/", "returns/{rma}/", "returns/{rma}/slip/"])
def test_another_customer_and_nobody_see_nothing(client, delivered_order: Order, page: str):
    order = delivered_order
    sign_in(client, order)
    _start(client, order)
    rma = ReturnRequest.objects.get(order=order).rma
    url = f"/orders/{order.number}/" + page.format(rma=rma)
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/orders/?")
    sign_in(client, delivered_shirt_and_scarf())
    assert client.get(url).status_code in (302, 404)
    shown = client.get(url, follow=True).content.decode()
    assert "return-slip" not in shown and "Timeline" not in shown and "return-line" not in shown


def test_the_customer_cancels_a_return_from_its_page(client, delivered_order: Order):
    order = delivered_order
    sign_in(client, order)
    _start(client, order)
    found = ReturnRequest.objects.get(order=order)
    page = client.get(f"/orders/{order.number}/returns/{found.rma}/").content.decode()
    assert "Cancel this return" in page
    response = client.post(f"/orders/{order.number}/returns/{found.rma}/cancel/", follow=True)
    assert f"Return {found.rma} is cancelled." in response.content.decode()
    found.refresh_from_db()
    assert found.status == "cancelled"
