"""Writes for promotions: redeeming a code, counted with a conditional update so a limit is never overrun.

    coupon_redeem(*, code, email, country, idempotency_key, order=None) -> Redemption
    coupon_uses_record_for_orders(*, orders) -> int   the codes orders from the store already used

The count is taken by `UPDATE … SET times_used = times_used + 1 WHERE times_used < usage_limit`:
the database decides, so 50 shoppers racing for the last 10 uses get exactly 10. The row lock that
UPDATE holds until commit also orders the per-customer check that follows it (docs/promotions.md).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Case, ExpressionWrapper, F, PositiveIntegerField, Q, When
from django.db.models.functions import Least
from django.utils import timezone

from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import Conflict, InvalidInput, NotEligible, NotFound
from shopdesk.core.sync.rows import rows_insert
from shopdesk.orders.models import Order, OrderCoupon
from shopdesk.policy import get_policy
from shopdesk.promotions.engine import CheckContext, Shopper, normalise_code, shopper_refusal
from shopdesk.promotions.enums import CodeReason
from shopdesk.promotions.models import Coupon, CouponRedemption
from shopdesk.promotions.selectors import country_name, coupon_rule


@dataclass(frozen=True, slots=True)
class Redemption:
    redemption: CouponRedemption
    replayed: bool  # the same idempotency key was seen before: nothing was counted again


def _refuse(code: str, message: str) -> NotEligible:
    return NotEligible(Eligibility(allowed=False, code=code, message=message))


def coupon_redeem(
    *,
    code: str,
    email: str,
    country: str,
    idempotency_key: str,
    order: Order | None = None,
    now: dt.datetime | None = None,
) -> Redemption:
    """Count one use of a code for a shopper, once per idempotency key, within every limit."""
    email = email.strip().lower()
    if not email or not idempotency_key:
        raise InvalidInput("A redemption needs the shopper's email and an idempotency key.")
    policy = get_policy()
    moment = now or timezone.now()
    key = normalise_code(code, policy.promotions)
    previous = (
        CouponRedemption.objects.filter(idempotency_key=idempotency_key).select_related("coupon").first()
    )
    if previous is not None:
        return _replay(previous, key=key, email=email)
    coupon = Coupon.objects.filter(code=key, active=True).prefetch_related("excluded_categories").first()
    if coupon is None:
        raise NotFound(f'We couldn\'t find the code "{code}".', code=CodeReason.NOT_FOUND)
    zone = policy.zone_for_country(country)
    if zone is None:
        raise InvalidInput(f"We don't ship to {country}.")
    ctx = CheckContext(
        now=moment,
        rules=policy.promotions,
        zone=zone,
        method=zone.methods[0],
        currency=policy.store.currency,
        locale=policy.store.locale,
        timezone=policy.store.timezone,
        country_name=country_name(country),
        country_names={c: country_name(c) for c in coupon.countries},
    )
    try:
        with transaction.atomic():
            # Count first: the conditional update takes the coupon's row lock, so the reads below see
            # every redemption committed by a shopper who counted before us.
            counted = (
                Coupon.objects.filter(pk=coupon.pk, active=True)
                .filter(Q(usage_limit__isnull=True) | Q(times_used__lt=F("usage_limit")))
                .update(times_used=F("times_used") + 1)
            )
            if counted == 0:
                limit = coupon.usage_limit
                raise _refuse(
                    CodeReason.USAGE_LIMIT_REACHED,
                    f"{coupon.code} could be used {limit} times in all, and every use has been taken.",
                )
            earlier = Order.objects.filter(email=email, cancelled_at__isnull=True)
            if order is not None:
                earlier = earlier.exclude(pk=order.pk)  # the order this code is redeemed on
            has_ordered = earlier.exists()
            uses = CouponRedemption.objects.filter(coupon=coupon, email=email).count()
            shopper = Shopper(
                country=country.upper(), identified=True, has_ordered=has_ordered, uses={coupon.code: uses}
            )
            # Re-check what the shopper's check said, inside the transaction that counts the use.
            refusal = shopper_refusal(coupon_rule(coupon), shopper, ctx)
            if refusal is not None:
                raise _refuse(refusal.reason_code, refusal.message)
            redemption = CouponRedemption.objects.create(
                coupon=coupon, email=email, order=order, idempotency_key=idempotency_key, created_at=moment
            )
    except IntegrityError:
        # The same key won a race with us: answer as its replay (our transaction counted nothing).
        previous = (
            CouponRedemption.objects.filter(idempotency_key=idempotency_key).select_related("coupon").first()
        )
        if previous is None:
            raise
        return _replay(previous, key=key, email=email)
    return Redemption(redemption=redemption, replayed=False)


def _replay(previous: CouponRedemption, *, key: str, email: str) -> Redemption:
    if previous.coupon.code != key or previous.email != email:
        raise Conflict(
            "This idempotency key was already used for another redemption.", code="idempotency_key_reused"
        )
    return Redemption(redemption=previous, replayed=True)


def coupon_uses_record_for_orders(*, orders: Sequence[Order]) -> int:
    """Count the codes orders sent by the store used (an import, a new order): once per order and code.

    The store already applied them at its checkout, so nothing is refused: each use is a
    `CouponRedemption` (the per-customer count, by the order's email) and one more `times_used`, added
    with a conditional update that stops at `usage_limit` (a code over-used in the store's history reads
    as used up, and the CHECK constraint holds). The key `coupon:order:<id>:<CODE>` makes a re-import of
    the same order count nothing. Runs in the caller's transaction; answers how many uses were new."""
    by_id = {order.pk: order for order in orders}
    if not by_id:
        return 0
    applied = list(
        OrderCoupon.objects.filter(order_id__in=list(by_id), coupon_id__isnull=False)
        .order_by("order_id", "code")
        .values_list("order_id", "code", "coupon_id")
    )
    if not applied:
        return 0
    rows = [
        {
            "coupon_id": coupon_id,
            "email": by_id[order_id].email,
            "order_id": order_id,
            "idempotency_key": f"coupon:order:{order_id}:{code}",
            "created_at": by_id[order_id].placed_at,
        }
        for order_id, code, coupon_id in applied
    ]
    new = rows_insert(CouponRedemption, rows, returning=("coupon_id",), conflict_ignore=("idempotency_key",))
    counts = Counter(coupon_id for (coupon_id,) in new)
    for coupon_id in sorted(counts):  # the same order of row locks in every transaction
        more = ExpressionWrapper(F("times_used") + counts[coupon_id], output_field=PositiveIntegerField())
        Coupon.objects.filter(pk=coupon_id).update(
            times_used=Case(
                When(usage_limit__isnull=True, then=more),
                default=Least(more, F("usage_limit")),
                output_field=PositiveIntegerField(),
            )
        )
    return len(new)
