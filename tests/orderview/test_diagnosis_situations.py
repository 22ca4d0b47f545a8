"""Each shipping situation gets the right diagnosis on the order page selector."""

from __future__ import annotations

import pytest

from shopdesk.orderview.builder import order_page
from tests.situations import EXPECTED_DIAGNOSIS


@pytest.mark.django_db
@pytest.mark.parametrize("situation", sorted(EXPECTED_DIAGNOSIS))
def test_situation_shows_its_diagnosis(situation: str, request: pytest.FixtureRequest) -> None:
    order = request.getfixturevalue(situation)
    page = order_page(order=order)
    codes = [d.code for d in page.diagnoses]
    expected = EXPECTED_DIAGNOSIS[situation]
    if expected is None:
        assert codes == []
    else:
        assert expected in codes
    assert page.summary
