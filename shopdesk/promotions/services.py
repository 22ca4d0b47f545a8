"""Writes for promotions: redeeming a code, counted with a conditional update so a limit is never overrun.

    coupon_redeem(*, code, email, country, idempotency_key, order=None) -> Redemption

The count is taken by `UPDATE … SET times_used = times_used + 1 WHERE times_used < usage_limit`:
the database decides, so 50 shoppers racing for the last 10 uses get exactly 10. The row lock that
UPDATE holds until commit also orders the per-customer check that follows it (docs/promotions.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import Conflict, InvalidInput, NotEligible, NotFound
from shopdesk.orders.models import Order
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
