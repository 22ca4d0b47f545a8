"""Payment methods per country: the API and the help page, all from the store policy."""

from __future__ import annotations

import pytest
from django.test import Client

from shopdesk.payments.methods import country_from_accept_language, payment_countries
from shopdesk.policy import get_policy
from tests import factories

pytestmark = pytest.mark.django_db


def test_api_names_methods_limits_and_refund_times_of_the_country() -> None:
    response = Client().get("/api/v1/help/payment-methods?country=nl")
    assert response.status_code == 200
    body = response.json()
    assert body["country"] == {"code": "NL", "name": "Netherlands", "zone": "European Union"}
    codes = [m["code"] for m in body["methods"]]
    policy = get_policy()
    assert codes == [m.code for m in policy.payments.methods if m.available_in("NL")]
    assert "ideal" in codes and "bancontact" not in codes
    klarna = next(m for m in body["methods"] if m["code"] == "klarna")
    assert klarna["limits"]["minimum"] == {"amount": "35.00", "currency": "USD", "display": "$35.00"}
    assert klarna["limits"]["message"] == "For orders from $35.00 to $1,000.00."
    assert klarna["refund_time"] == {
        "business_days_min": 3,
        "business_days_max": 5,
        "message": "Refunds arrive within 3–5 business days.",
    }
    credit = next(m for m in body["methods"] if m["code"] == "store_credit")
    assert credit["refund_time"]["message"] == "Refunds arrive straight away."
    assert credit["limits"] == {"minimum": None, "maximum": None, "message": ""}


def test_a_country_only_the_wildcard_zone_covers_gets_the_worldwide_methods() -> None:
    body = Client().get("/api/v1/help/payment-methods?country=BR").json()
    assert body["country"]["zone"] == "Rest of the world"
    assert [m["code"] for m in body["methods"]] == ["card", "paypal", "store_credit"]


@pytest.mark.parametrize("country", ["XX", "Z1", "N", "NLD"])
def test_unknown_country_is_a_422_naming_the_field(country: str) -> None:
    response = Client().get(f"/api/v1/help/payment-methods?country={country}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert [f["field"] for f in error["fields"]] == ["query.country"]


def test_missing_country_is_a_422() -> None:
    assert Client().get("/api/v1/help/payment-methods").status_code == 422


def test_picker_lists_every_zone_country_with_the_shoppers_own_first() -> None:
    countries = payment_countries(first="jp")
    assert countries[0].code == "JP"
    codes = {c.code for c in countries}
    for zone in get_policy().shipping.zones:
        assert set(zone.countries) - {"*"} <= codes
    names = [c.name for c in countries[1:]]
    assert names == sorted(names)


def test_accept_language_names_the_country() -> None:
    assert country_from_accept_language("fr-BE,fr;q=0.9,en;q=0.5") == "BE"
    assert country_from_accept_language("en") is None
    assert country_from_accept_language("en-XX, de-AT") == "AT"


def test_page_picks_the_browsers_country_and_shows_limits() -> None:
    response = Client(headers={"Accept-Language": "en-AU,en;q=0.8"}).get("/help/payment-methods/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Payment methods in Australia" in html
    assert '<option value="AU" selected>Australia (your country)</option>' in html
    assert "Afterpay" in html and "For orders from $35.00 to $2,000.00." in html
    # The shopper's own country leads the picker.
    assert html.index('value="AU"') < html.index('value="AT"')


def test_page_with_a_chosen_country_and_a_bad_one() -> None:
    client = Client()
    html = client.get("/help/payment-methods/?country=BE").content.decode()
    assert "Bancontact" in html and "iDEAL" not in html
    bad = client.get("/help/payment-methods/?country=%3Cscript%3E")
    assert bad.status_code == 400
    assert "Choose a country from the list." in bad.content.decode()
    assert "<script>" not in bad.content.decode()


def test_page_prefers_a_verified_orders_country(db: None) -> None:
    order = factories.OrderFactory(
        shipping_address=factories.AddressFactory(country="JP", postcode="100-0001")
    )
    client = Client(headers={"Accept-Language": "de-DE"})
    assert client.post("/orders/", {"order_number": order.number, "email": order.email}).status_code == 302
    html = client.get("/help/payment-methods/").content.decode()
    assert "Payment methods in Japan" in html and "Konbini" in html


def test_articles_link_the_picker_and_show_the_limits() -> None:
    from shopdesk.helpcenter.templating import render_template

    source = (
        "[pick]({{ links.payment_methods }}) {% for m in payments.methods %}"
        "{% if m.has_limits %}{{ m.code }}={{ m.min_order }};{% endif %}{% endfor %}"
    )
    out = render_template(source, get_policy(), strict=True)
    assert "[pick](/help/payment-methods/)" in out
    assert "klarna=$35.00;" in out and "afterpay=$35.00;" in out
