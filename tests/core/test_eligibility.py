import pytest

from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import NotEligible


def test_a_refusal_raises_with_its_code_and_message():
    refusal = Eligibility.no("already_shipped", "Your order has left our warehouse.")
    with pytest.raises(NotEligible) as caught:
        refusal.require()
    assert caught.value.code == "already_shipped"
    assert caught.value.as_dict() == {
        "code": "already_shipped",
        "message": "Your order has left our warehouse.",
    }
    assert not refusal


def test_an_allowed_check_passes():
    Eligibility.yes().require()
    assert Eligibility.yes()
