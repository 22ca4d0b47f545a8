"""The address rules are the ones the help articles state: ZIP codes belong to their state, French PO boxes
are PO boxes, and a delivery may move to another country only within the same shipping set-up."""

from __future__ import annotations

import pytest

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput
from shopdesk.helpcenter.content import load_content
from shopdesk.helpcenter.rendering import render_source
from shopdesk.orders.address_validation import address_clean
from shopdesk.orders.models import Address
from shopdesk.policy import get_policy
from shopdesk.selfservice.services.addresses import order_shipping_address_change
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf

pytestmark = pytest.mark.django_db
CUSTOMER = Actor.customer("shopper@example.com")


def test_a_zip_code_of_another_state_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        address_clean(
            data={
                "name": "A",
                "line1": "1 Main St",
                "city": "Albany",
                "region": "NY",
                "postcode": "90210",
                "country": "US",
            }
        )
    assert "90210 is in CA, not NY" in error.value.details["fields"]["postcode"]


def test_a_zip_code_of_the_state_is_accepted() -> None:
    clean = address_clean(
        data={
            "name": "A",
            "line1": "1 Main St",
            "city": "Beverly Hills",
            "region": "California",
            "postcode": "90210",
            "country": "US",
        }
    )
    assert (clean.region, clean.postcode) == ("CA", "90210")


@pytest.mark.parametrize("line1", ["BP 1234", "B.P. 55", "CS 30000", "TSA 10001"])
def test_a_french_po_box_is_refused(line1: str) -> None:
    order = paid_order_of_shirt_and_scarf(
        shipping_address=Address.objects.create(
            name="A", line1="1 rue de Rivoli", city="Paris", postcode="75001", country="FR"
        )
    )
    address = {"name": "A", "line1": line1, "city": "Paris", "postcode": "75008", "country": "FR"}
    with pytest.raises(InvalidInput) as error:
        order_shipping_address_change(order=order, actor=CUSTOMER, address=address)
    assert error.value.code == "po_box_not_allowed"


def _article(slug: str) -> str:
    _, articles = load_content()
    body = next(a.body for a in articles if a.slug == slug)
    return render_source(body, get_policy()).text


@pytest.mark.parametrize("slug", ["shipping-addresses", "not-at-my-address"])
def test_the_articles_state_the_rule_the_service_applies(slug: str) -> None:
    text = _article(slug)
    assert "must be in the same country" not in text and "to any address in the same country." not in text
    assert "France to Germany" in text
    order = paid_order_of_shirt_and_scarf(
        shipping_address=Address.objects.create(
            name="A", line1="1 rue de Rivoli", city="Paris", postcode="75001", country="FR"
        )
    )
    german = {
        "name": "A",
        "line1": "Unter den Linden 1",
        "city": "Berlin",
        "postcode": "10117",
        "country": "DE",
    }
    assert (
        order_shipping_address_change(order=order, actor=CUSTOMER, address=german).shipping_address.country
        == "DE"
    )
