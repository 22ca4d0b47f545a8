"""The engine on random carts, codes and stacking policies: never worse than one code, never below zero."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.catalog.enums import PriceKind
from shopdesk.policy import get_policy
from shopdesk.promotions.engine import CartLine, CheckContext, CodeRule, Shopper, check_codes

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
KINDS = ("percent", "fixed", "free_shipping")
CATEGORIES = ("tops", "beauty", "home")


def context(currency: str, max_codes: int, groups: list[list[str]]) -> CheckContext:
    policy = get_policy()
    zone = policy.zone_for_country("US")
    assert zone is not None
    rules = policy.promotions.model_copy(
        update={"max_codes_per_order": max_codes, "combinable_groups": groups}
    )
    method = zone.methods[0]
    if currency == "JPY":  # a store that sells in yen states its fees in yen
        method = method.model_copy(update={"fee": Decimal("800"), "free_over": Decimal("10000")})
    return CheckContext(now=NOW, rules=rules, zone=zone, method=method, currency=currency)


prices = st.decimals(min_value=Decimal("0.50"), max_value=Decimal("400"), places=2)
cart_lines = st.lists(
    st.builds(
        lambda i, price, quantity, kind, category, gift: CartLine(
            sku=f"SKU-{i}",
            name=f"Item {i}",
            quantity=quantity,
            unit_price=price,
            price_kind=kind,
            category=category,
            gift_card=gift,
        ),
        st.integers(0, 10_000),
        prices,
        st.integers(1, 4),
        st.sampled_from([PriceKind.REGULAR, PriceKind.REGULAR, PriceKind.SALE]),
        st.sampled_from(CATEGORIES),
        st.sampled_from([False, False, False, True]),
    ),
    min_size=1,
    max_size=4,
)


@st.composite
def code_rules(draw: st.DrawFn) -> list[CodeRule]:
    count = draw(st.integers(1, 5))
    rules = []
    for index in range(count):
        kind = draw(st.sampled_from(KINDS))
        value = (
            Decimal(draw(st.integers(1, 100)))
            if kind == "percent"
            else draw(st.decimals(min_value=Decimal("1"), max_value=Decimal("500"), places=2))
        )
        rules.append(
            CodeRule(
                code=f"CODE{index}",
                kind=kind,
                value=value if kind != "free_shipping" else Decimal(0),
                min_subtotal=draw(st.sampled_from([Decimal(0), Decimal(0), Decimal("50"), Decimal("150")])),
                exclusive=draw(st.booleans()),
                excluded_categories=frozenset(draw(st.sets(st.sampled_from(CATEGORIES), max_size=1))),
            )
        )
    return rules


groups = st.lists(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3), min_size=1, max_size=3)


@settings(max_examples=100, deadline=None)
@given(cart=cart_lines, rules=code_rules(), max_codes=st.integers(1, 3), stacking=groups)
def test_the_best_combination_is_never_worse_than_one_valid_code(
    cart: list[CartLine], rules: list[CodeRule], max_codes: int, stacking: list[list[str]]
) -> None:
    ctx = context("USD", max_codes, stacking)
    shopper = Shopper(country="US")
    found = {rule.code: rule for rule in rules}

    def run(codes: list[str]):  # type: ignore[no-untyped-def]
        return check_codes(
            typed_codes=codes, found=found, public_codes=[], cart=cart, shopper=shopper, ctx=ctx
        )

    result = run([rule.code for rule in rules])
    assert result.total >= 0 and result.saving >= 0
    assert result.total == result.subtotal - result.discount + result.shipping + result.duties
    without = run(["NO-SUCH-CODE"])
    assert result.total <= without.total
    for verdict in result.codes:
        if verdict.valid:
            assert result.total <= run([verdict.code]).total
    applied = [v.code for v in result.codes if v.applied]
    assert applied == [code for code in (r.code for r in rules) if code in result.best_combination]
    assert len(result.best_combination) <= max_codes


@settings(max_examples=60, deadline=None)
@given(cart=cart_lines, rules=code_rules())
def test_amounts_keep_the_currency_exponent(cart: list[CartLine], rules: list[CodeRule]) -> None:
    for line in cart:
        line.unit_price = line.unit_price.quantize(Decimal(1))
    ctx = context("JPY", 2, [["percent", "free_shipping"], ["fixed", "free_shipping"]])
    result = check_codes(
        typed_codes=[rule.code for rule in rules],
        found={rule.code: rule for rule in rules},
        public_codes=[],
        cart=cart,
        shopper=Shopper(country="US"),
        ctx=ctx,
    )
    for amount in (result.total, result.saving, result.discount, *(v.saving for v in result.codes)):
        assert amount == amount.quantize(Decimal(1)), amount
    assert result.total >= 0
