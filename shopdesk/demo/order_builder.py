"""Build one demo order from its plan: customer, lines, coupons, totals, packages, money and events.

Everything is computed in Python from a random generator seeded by (seed, order index), so an order
is the same on every run with the same seed, and rows are only queued (written later in bulk).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.core.money import format_money
from shopdesk.demo.catalog_builder import Catalog, VariantInfo
from shopdesk.demo.classify import OrderFacts, PackageFacts, order_situations
from shopdesk.demo.coupons import CouponInfo
from shopdesk.demo.customers import Shopper, ShopperPool
from shopdesk.demo.lines import LineDraft
from shopdesk.demo.models import DemoOrder
from shopdesk.demo.order_money import OrderMoney
from shopdesk.demo.packages import add_packages
from shopdesk.demo.places import COUNTRY_WEIGHTS
from shopdesk.demo.plans import OrderPlan, plan_for
from shopdesk.demo.rows import KeyAllocator, RowBuffer
from shopdesk.demo.situations import Situation
from shopdesk.demo.timeline import Journey, JourneyPlanner, route_for
from shopdesk.notifications.models import OutboxMessage
from shopdesk.notifications.services import email_history_row
from shopdesk.orders.enums import OrderEventKind, PaymentStatus
from shopdesk.orders.models import Order, OrderCoupon, OrderEvent, OrderLine
from shopdesk.orderview.status import LineQuantities, payment_status
from shopdesk.policy.schema import Policy, ShippingMethod, Zone
from shopdesk.promotions.price_adjustment import OrderAdjustmentFacts, PriceNow, line_price_adjustment
from shopdesk.promotions.pricing import Totals, price_order

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
ACTOR = ("system", "demo")
PRICE_DROP_STORIES = {
    "price_drop": ("regular_drop", "sale"),
    "price_drop_excluded": ("flash_sale", "clearance"),
}


def _delivered_at(
    packages: list[PackageFacts], rows: list[tuple[OrderLine, LineDraft]], shipped: dict[int, int]
) -> dt.datetime | None:
    """When the whole order arrived (as the product counts it): the last delivery, once nothing waits."""
    waiting = any(shipped.get(row.id, 0) < row.quantity_active for row, _ in rows)
    if waiting or not packages or any(p.delivered_at is None for p in packages):
        return None
    return max(p.delivered_at for p in packages if p.delivered_at)


def price_adjustment_situations(
    *,
    rows: list[tuple[OrderLine, PriceNow]],
    facts: OrderAdjustmentFacts,
    policy: Policy,
    now: dt.datetime,
) -> list[str]:
    """The product's own price-adjustment rule decides the label, so the order page shows what it promises."""
    answers = [
        line_price_adjustment(line=row, price_now=price, facts=facts, policy=policy, now=now)
        for row, price in rows
    ]
    found = []
    if any(a.eligibility.allowed for a in answers):
        found.append(Situation.PRICE_ADJUSTMENT_ELIGIBLE.value)
    if any(a.price_dropped and a.units and not a.eligibility.allowed for a in answers):
        found.append(Situation.PRICE_ADJUSTMENT_INELIGIBLE.value)
    return found


def _hours(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(minutes=round(rng.uniform(low, high) * 60))


@dataclass(slots=True)
class BuiltOrder:
    number: str
    email: str
    situations: list[str]


class OrderBuilder:
    def __init__(
        self,
        *,
        policy: Policy,
        anchor: dt.datetime,
        seed: int,
        catalog: Catalog,
        coupons: list[CouponInfo],
        shoppers: ShopperPool,
        keys: KeyAllocator,
        buffer: RowBuffer,
    ) -> None:
        self.policy, self.anchor, self.seed = policy, anchor, seed
        self.catalog, self.coupons, self.shoppers = catalog, coupons, shoppers
        self.keys, self.buffer = keys, buffer
        self.money = OrderMoney(policy=policy, anchor=anchor, keys=keys, buffer=buffer)
        self.decline_codes = [d.code for d in policy.payments.declines]
        self.countries = [(code, weight) for code, weight in COUNTRY_WEIGHTS if policy.zone_for_country(code)]
        # Variants sorted by publication, so "what was on sale at time t" is a bisect, not a scan.
        self._by_date = sorted(catalog.variants, key=lambda v: (v.published_at, v.id))
        self._dates = [v.published_at for v in self._by_date]
        self._fitting: dict[tuple[str | None, bool], list[tuple[str, int]]] = {}

    # --- choosing ------------------------------------------------------------------------------
    def _zone(self, country: str) -> Zone:
        zone = self.policy.zone_for_country(country)
        if zone is None:
            raise ValueError(f"the policy has no shipping zone for {country}")
        return zone

    def _zone_fits(self, zone: Zone, plan: OrderPlan) -> bool:
        need = plan.zone_need or ("collected_on_delivery" if "customs" in plan.packages else None)
        if need == "multi_warehouse":
            return len(zone.warehouses) >= 2
        if need in ("collected_on_delivery", "store_pays"):
            warehouse_countries = {self.policy.warehouse(code).country for code in zone.warehouses}  # type: ignore[union-attr]
            return zone.duties == need and bool(set(zone.countries) - warehouse_countries)
        return True

    def _country(self, plan: OrderPlan, rng: random.Random) -> tuple[str, Zone]:
        if plan.country:
            zone = self.policy.zone_for_country(plan.country)
            if zone is not None and self._zone_fits(zone, plan):
                return plan.country, zone
        need = (plan.zone_need, "customs" in plan.packages)
        if need not in self._fitting:
            self._fitting[need] = [(c, w) for c, w in self.countries if self._zone_fits(self._zone(c), plan)]
        pool = self._fitting[need] or self.countries
        code = rng.choices([c for c, _ in pool], weights=[w for _, w in pool])[0]
        return code, self.policy.zone_for_country(code)  # type: ignore[return-value]

    def _available(self, placed_at: dt.datetime) -> list[VariantInfo]:
        return self._by_date[: bisect.bisect_right(self._dates, placed_at - DAY)]

    def _special(self, item: str | None, placed_at: dt.datetime) -> list[VariantInfo]:
        if item is None:
            return []
        available = self._available(placed_at)
        if item in PRICE_DROP_STORIES:
            stories = PRICE_DROP_STORIES[item]
            return [v for v in available if v.story in stories and (v.last_drop_at or placed_at) > placed_at]
        return [v for v in available if item in v.flags]

    def _lines(
        self, rng: random.Random, plan: OrderPlan, placed_at: dt.datetime, count: int
    ) -> list[LineDraft]:
        available = self._available(placed_at)
        plain = [v for v in available if not v.flags]
        steady = [v for v in plain if v.story == "steady"]
        # Most picks are steady-priced items, so "the price dropped since I bought it" stays the exception.
        if steady and rng.random() < 0.85:
            plain = steady
        if plan.coupons == "stacked":
            plain = [v for v in plain if v.price_at(placed_at)[0] < 60] or plain
        chosen: list[VariantInfo] = []
        special = self._special(plan.item, placed_at)
        if special:
            chosen.append(rng.choice(special))
        while len(chosen) < count:
            pick = rng.choice(plain)
            if pick.product_key not in {v.product_key for v in chosen}:
                chosen.append(pick)
        lines = []
        for variant in chosen:
            price, kind = variant.price_at(placed_at)
            quantity = 1 if rng.random() < 0.82 or plan.coupons == "stacked" else rng.choice((2, 2, 3))
            lines.append(LineDraft(variant=variant, quantity=quantity, unit_price=price, price_kind=kind))
        return lines

    def _coupons(
        self,
        rng: random.Random,
        plan: OrderPlan,
        placed_at: dt.datetime,
        subtotal: Decimal,
        first_order: bool,
    ) -> list[CouponInfo]:
        usable = [
            c
            for c in self.coupons
            if c.valid_at(placed_at)
            and c.min_subtotal <= subtotal
            and (first_order or not c.first_order_only)
        ]
        if plan.coupons == "exclusive":
            return [c for c in usable if c.exclusive][:1]
        usable = [c for c in usable if not c.exclusive]
        if plan.coupons == "one":
            return [rng.choice(usable)] if usable else []
        if plan.coupons == "stacked":
            groups = [g for g in self.policy.promotions.combinable_groups if len(g) >= 2]
            rng.shuffle(groups)
            for group in groups:
                picks = []
                for kind in group[: self.policy.promotions.max_codes_per_order]:
                    of_kind = [c for c in usable if c.kind == kind]
                    if of_kind:
                        picks.append(rng.choice(of_kind))
                if len(picks) >= 2:
                    return picks
        return []

    # --- building ------------------------------------------------------------------------------
    def build(self, index: int, serial: int) -> BuiltOrder:
        rng = random.Random(f"{self.seed}:{index}")
        policy, now = self.policy, self.anchor
        plan = plan_for(index, rng, self.decline_codes)
        if plan.stage == "declined" and not self.decline_codes:
            plan = OrderPlan("unfulfilled")
        country, zone = self._country(plan, rng)
        method = zone.method(plan.method or "") or zone.methods[0]
        carrier = policy.carrier(method.carrier)
        carrier_name = carrier.name if carrier else method.carrier.upper()
        welcome = plan.coupons == "one" and rng.random() < 0.3
        shopper = self.shoppers.pick(country, new_only=welcome)
        shopper.single_order = shopper.single_order or welcome
        lines_needed = max(len(plan.packages), 2 if plan.partial or plan.returned_line else 1)
        if plan.coupons != "stacked" and lines_needed == 1:
            lines_needed = rng.choices((1, 2, 3, 4), weights=(45, 30, 17, 8))[0]

        journeys, placed_at = self._journeys(rng, plan, zone, method, carrier_name, shopper)
        cancelled_at = placed_at + _hours(rng, 0.5, 10) if plan.stage == "cancelled" else None

        lines = self._lines(rng, plan, placed_at, lines_needed)
        tax = shopper.city.sales_tax_percent
        totals = self._price(rng, plan, lines, zone, method, tax, placed_at, welcome)
        if "customs" in plan.packages or plan.stage == "verification":
            totals = self._grow(rng, plan, lines, zone, method, tax, placed_at, welcome, totals)
        points_used = self._points(rng, plan, totals.total)
        points_value = policy.points_value(points_used) if points_used else Decimal("0.00")

        order = Order(
            id=self.keys(Order),
            number=policy.format_order_number(serial),
            customer_id=shopper.id,
            email=shopper.email,
            currency=policy.store.currency,
            locale=shopper.locale,
            placed_at=placed_at,
            shipping_method=method.code,
            shipping_address_id=self.shoppers.address(shopper).id,
            billing_address_id=self.shoppers.address(shopper).id,
            subtotal=totals.subtotal,
            discount_total=totals.discount_total,
            shipping_total=totals.shipping_total,
            tax_total=totals.tax_total,
            duties_total=totals.duties_total,
            total=totals.total,
            points_used=points_used,
            points_value=points_value,
            cancelled_at=cancelled_at,
            cancel_reason="Ordered the wrong size" if cancelled_at else "",
        )
        self.buffer.add(order)
        rows = self._line_rows(order, lines, cancelled=cancelled_at is not None)
        for use in totals.coupons:
            self.buffer.add(
                OrderCoupon(
                    id=self.keys(OrderCoupon),
                    order_id=order.id,
                    code=use.coupon.code,
                    coupon_id=use.coupon.id,
                    amount=use.amount,
                )
            )
        self._event(
            order, OrderEventKind.IMPORTED, placed_at, f"Order {order.number} received from the store."
        )
        if plan.stage != "declined":
            self.buffer.add(
                email_history_row(
                    pk=self.keys(OutboxMessage),
                    order=order,
                    template="confirmation",
                    to=order.email,
                    at=placed_at + dt.timedelta(minutes=2),
                )
            )
        if cancelled_at is not None:
            self.buffer.add(
                email_history_row(
                    pk=self.keys(OutboxMessage),
                    order=order,
                    template="cancelled",
                    to=order.email,
                    at=cancelled_at + dt.timedelta(minutes=1),
                )
            )
        packed = add_packages(
            rng=rng,
            keys=self.keys,
            buffer=self.buffer,
            policy=policy,
            order=order,
            rows=rows,
            journeys=journeys,
            method=method,
            carrier_name=carrier_name,
            partial=plan.partial,
            duties_due_text=format_money(totals.duties_due_on_delivery, order.currency),
        )
        money = self.money.add(
            rng=rng, plan=plan, order=order, rows=rows, packed=packed, customer_id=shopper.id, country=country
        )
        home = policy.warehouse(zone.warehouses[0])
        payment = payment_status(money.payments)
        adjustments = price_adjustment_situations(
            rows=[(row, PriceNow(*draft.variant.current)) for row, draft in rows],
            facts=OrderAdjustmentFacts(
                currency=order.currency,
                cancelled=cancelled_at is not None,
                paid=payment
                in (PaymentStatus.AUTHORISED, PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED),
                placed_at=placed_at,
                delivered_at=_delivered_at(packed.facts, rows, packed.shipped),
                adjusted_lines=frozenset(),
                adjustments=0,
            ),
            policy=policy,
            now=now,
        )
        facts = OrderFacts(
            placed_at=placed_at,
            country=country,
            zone=zone,
            method=method,
            cancelled=cancelled_at is not None,
            lines=[
                LineQuantities(
                    row.quantity, row.quantity_cancelled, row.quantity_returned, packed.shipped.get(row.id, 0)
                )
                for row, _ in rows
            ],
            line_flags=[row.return_flags for row, _ in rows],
            price_dropped=any(draft.variant.current[0] < draft.unit_price for _, draft in rows),
            packages=packed.facts,
            payments=money.payments,
            coupon_count=len(totals.coupons),
            points_used=points_used,
            refunds=money.refunds,
            home_country=home.country if home else country,
            extra=[*money.extra, *adjustments],
        )
        situations = order_situations(facts, policy=policy, now=now)
        self.buffer.add(
            DemoOrder(id=self.keys(DemoOrder), order_id=order.id, seed=self.seed, situations=situations)
        )
        return BuiltOrder(number=order.number, email=order.email, situations=situations)

    def _journeys(
        self,
        rng: random.Random,
        plan: OrderPlan,
        zone: Zone,
        method: ShippingMethod,
        carrier_name: str,
        shopper: Shopper,
    ) -> tuple[list[tuple[str, Journey]], dt.datetime]:
        """The packages' journeys and the order date they imply (before the first label).

        Packages come first because their scenario fixes the dates. When the plan wants an item whose
        price dropped after the order, dates are drawn again until such an item was on sale then.
        """
        policy, window = self.policy, self.policy.returns.window_days
        planner = JourneyPlanner(policy=policy, anchor=self.anchor, rng=rng)
        country = shopper.country
        warehouses = list(zone.warehouses)
        if len(plan.packages) == 1 and len(warehouses) > 1:
            warehouses = [rng.choice(warehouses)]
        journeys: list[tuple[str, Journey]] = []
        placed_at = self.anchor
        for attempt in range(40):
            journeys = []
            for number, scenario in enumerate(plan.packages):
                warehouse = warehouses[number % len(warehouses)]
                home = policy.warehouse(warehouse)
                route = route_for(
                    warehouse=warehouse,
                    warehouse_country=home.country if home else country,
                    carrier_code=method.carrier,
                    carrier_name=carrier_name,
                    country=country,
                    city=shopper.city.name,
                    region=shopper.city.region,
                )
                if plan.window == "open":
                    age = rng.uniform(8 if plan.returned_line else 0.5, window - 1.5)
                elif plan.window == "closed":
                    age = rng.uniform(window + 1, window + 90)
                elif len(plan.packages) > 1:
                    age = rng.uniform(0.5, 6)  # the other boxes of a split order are still on their way
                else:
                    age = rng.uniform(8 if plan.returned_line else 0.5, 150)
                if plan.item in PRICE_DROP_STORIES and plan.window == "open" and attempt < 20:
                    age = rng.uniform(0.5, 4)
                journey = planner.plan(
                    scenario,
                    route=route,
                    method=method,
                    carrier_name=carrier_name,
                    rts_reason=plan.rts_reason or "refused",
                    delivered_age_days=age,
                    hold_days=policy.shipping.returned_to_sender.hold_days,
                )
                journeys.append((warehouse, journey))
            placed_at = self._placed_at(rng, plan, journeys)
            if plan.item is None or self._special(plan.item, placed_at):
                break
        return journeys, placed_at

    def _placed_at(
        self, rng: random.Random, plan: OrderPlan, journeys: list[tuple[str, Journey]]
    ) -> dt.datetime:
        now, orders = self.anchor, self.policy.orders
        window = orders.change_window_hours
        if journeys:
            first_label = min(journey.label_at for _, journey in journeys)
            placed = first_label - _hours(rng, 3, max(4, orders.processing_days_max * 24))
        elif plan.stage == "recent":
            placed = now - _hours(rng, 0.2, max(window - 0.5, 0.3))
        elif plan.stage == "unfulfilled":
            placed = now - _hours(rng, window + 0.5, max(window + 2, orders.processing_days_max * 24))
        elif plan.stage == "declined":
            placed = now - _hours(rng, 0.5, 72)
        elif plan.stage == "verification":
            placed = now - _hours(rng, 1, max(2, self.policy.payments.verification_hours - 1))
            if plan.overdue:  # the deadline passed a few hours ago; the deadline job hasn't run yet
                placed -= dt.timedelta(hours=self.policy.payments.verification_hours)
        else:  # cancelled
            placed = now - _hours(rng, 36, 90 * 24)
        return placed.replace(microsecond=0)

    def _price(
        self,
        rng: random.Random,
        plan: OrderPlan,
        lines: list[LineDraft],
        zone: Zone,
        method: ShippingMethod,
        tax: Decimal,
        placed_at: dt.datetime,
        first_order: bool,
    ) -> Totals[CouponInfo]:
        subtotal = sum((line.gross for line in lines), Decimal(0))
        coupons = self._coupons(rng, plan, placed_at, subtotal, first_order) if plan.coupons != "none" else []
        return price_order(
            lines=lines,
            coupons=coupons,
            zone=zone,
            method=method,
            tax_percent=tax,
            currency=self.policy.store.currency,
            rules=self.policy.promotions,
        )

    def _grow(
        self,
        rng: random.Random,
        plan: OrderPlan,
        lines: list[LineDraft],
        zone: Zone,
        method: ShippingMethod,
        tax: Decimal,
        placed_at: dt.datetime,
        first_order: bool,
        totals: Totals[CouponInfo],
    ) -> Totals[CouponInfo]:
        """Add items until duties are due (customs) or the total needs verification."""
        threshold = self.policy.payments.verification_over
        plain = [v for v in self._available(placed_at) if not v.flags]
        for _ in range(20):
            enough = (
                totals.duties_due_on_delivery > 0
                if plan.stage != "verification"
                else totals.total > threshold
            )
            if enough:
                break
            variant = max(rng.sample(plain, min(4, len(plain))), key=lambda v: v.price_at(placed_at)[0])
            price, kind = variant.price_at(placed_at)
            lines.append(
                LineDraft(variant=variant, quantity=rng.choice((1, 2)), unit_price=price, price_kind=kind)
            )
            totals = self._price(rng, plan, lines, zone, method, tax, placed_at, first_order)
        return totals

    def _points(self, rng: random.Random, plan: OrderPlan, total: Decimal) -> int:
        if not plan.points:
            return 0
        rules = self.policy.points
        max_value = total * rules.max_order_share_percent / 100
        most = int(max_value * 100 / rules.value_per_100) // 100 * 100
        points = min(rng.choice((500, 1000, 1500, 2000, 2500, 3000)), most)
        return points if points >= max(rules.min_redeem, 100) else 0

    def _line_rows(
        self, order: Order, lines: list[LineDraft], *, cancelled: bool
    ) -> list[tuple[OrderLine, LineDraft]]:
        rows = []
        for draft in lines:
            variant = draft.variant
            row = OrderLine(
                id=self.keys(OrderLine),
                order_id=order.id,
                variant_id=variant.id,
                product_name=variant.product_name,
                sku=variant.sku,
                size=variant.size,
                colour=variant.colour,
                quantity=draft.quantity,
                quantity_cancelled=draft.quantity if cancelled else 0,
                unit_price=draft.unit_price,
                price_kind=draft.price_kind,
                discount_amount=draft.discount,
                tax_amount=draft.tax,
                return_flags=list(variant.flags),
            )
            self.buffer.add(row)
            rows.append((row, draft))
        return rows

    def _event(self, order: Order, kind: str, at: dt.datetime, message: str) -> None:
        self.buffer.add(
            OrderEvent(
                id=self.keys(OrderEvent),
                order_id=order.id,
                kind=kind,
                actor_kind=ACTOR[0],
                actor_label=ACTOR[1],
                message=message,
                created_at=at,
            )
        )
