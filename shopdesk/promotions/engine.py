"""The promo-code engine: why each code does or doesn't apply to a cart, and the best set of codes to use.

Pure and policy-driven: the caller passes the codes' rules, the cart, what is known of the shopper and
the clock; nothing here reads the database. The amounts come from `pricing.price_order`, the same
arithmetic that prices orders, so a check never disagrees with the order it predicts.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import string
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date

from shopdesk.catalog.enums import PriceKind
from shopdesk.core.money import format_money
from shopdesk.policy.schema import Promotions, ShippingMethod, Zone
from shopdesk.promotions.enums import CodeReason
from shopdesk.promotions.pricing import FREE_SHIPPING, ZERO, PricedLine, Totals, price_order

MAX_CODES_CHECKED = 10  # a checkout field, not a bulk probe: more codes than this is bad input
_SUGGESTION_CUTOFF = 0.75  # difflib ratio: one or two slipped characters in a ten-letter code


@dataclass(frozen=True, slots=True)
class CodeRule:
    """A code as the engine sees it. `code` is as stored (upper-case unless the policy is case-sensitive)."""

    code: str
    kind: str
    value: Decimal
    min_subtotal: Decimal = ZERO
    min_quantity: int = 0
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    exclusive: bool = False
    first_order_only: bool = False
    countries: frozenset[str] = frozenset()
    excluded_categories: frozenset[str] = frozenset()  # category slugs
    usage_limit: int | None = None
    per_customer_limit: int | None = None
    times_used: int = 0
    public: bool = True
    active: bool = True

    def accepts(self, line: PricedLine) -> bool:
        return line.category not in self.excluded_categories


@dataclass(slots=True, kw_only=True)
class CartLine(PricedLine):
    sku: str
    name: str
    category_name: str = ""
    regular_price: Decimal | None = None  # on an automatic sale: the regular price before it


@dataclass(frozen=True, slots=True)
class Shopper:
    """What is known of the shopper. `identified`: a customer bearer token or a signed-in page, not a typed email.

    `has_ordered` is None when nobody is known (no token, no email): first-order codes are then taken
    on trust and checked again when the order is placed.
    """

    country: str
    identified: bool = False
    has_ordered: bool | None = None
    uses: Mapping[str, int] = field(default_factory=dict)  # code -> times this shopper redeemed it


@dataclass(frozen=True, slots=True)
class CheckContext:
    now: dt.datetime
    rules: Promotions
    zone: Zone
    method: ShippingMethod
    currency: str
    locale: str = "en_US"
    timezone: str = "UTC"  # the store's: dates in messages are the store's calendar days
    country_name: str = ""
    country_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CodeVerdict:
    code: str  # as the shopper typed it
    applied: bool
    reason_code: str
    message: str
    saving: Decimal
    valid: bool = False  # usable on its own (applied, or left out only by the stacking rules)
    suggestion: str | None = None
    conflicts_with: tuple[str, ...] = ()
    missing_amount: Decimal | None = None  # minimum_not_met on a subtotal: the amount still to add
    missing_quantity: int | None = None  # minimum_not_met on a quantity: the items still to add
    excluded_skus: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckResult:
    codes: list[CodeVerdict]
    best_combination: list[str]
    subtotal: Decimal
    discount: Decimal  # the codes' line discounts
    shipping: Decimal  # after any free-shipping code
    duties: Decimal  # duties the store charges at checkout (zones where it pays them)
    saving: Decimal  # the total without codes minus the total with the best combination
    shipping_without_codes: Decimal  # differs when a discount pulls the cart under free shipping
    total: Decimal  # subtotal - discount + shipping + duties; tax is added at checkout


# --- one code ---------------------------------------------------------------------------------------
def normalise_code(code: str, rules: Promotions) -> str:
    cleaned = code.strip()
    return cleaned if rules.case_sensitive else cleaned.upper()


TYPO_ALPHABET = string.ascii_uppercase + string.digits + "-"


def typo_candidates(typed: str) -> set[str]:
    """Every code one slip from what was typed: a character missing, extra, wrong, or two swapped.

    Upper-cased, spaces dropped. About 80 strings per character typed: matched against the index of
    public codes (promotions/public_codes.py), where comparing with every public code would cost a scan.
    """
    word = "".join(ch for ch in typed.upper() if not ch.isspace())
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    swaps = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + ch + right[1:] for left, right in splits if right for ch in TYPO_ALPHABET}
    inserts = {left + ch + right for left, right in splits for ch in TYPO_ALPHABET}
    return {word} | deletes | swaps | replaces | inserts


def suggest_public_code(typed: str, public_codes: Iterable[str], rules: Promotions) -> str | None:
    """The public code the shopper most likely meant, among live public codes one slip away."""
    candidates = sorted(public_codes)
    folded = {candidate.upper(): candidate for candidate in candidates}
    if typed.upper() in folded:
        return folded[typed.upper()]
    squeezed = "".join(ch for ch in typed.upper() if not ch.isspace())
    matches = difflib.get_close_matches(squeezed, list(folded), n=1, cutoff=_SUGGESTION_CUTOFF)
    return folded[matches[0]] if matches else None


def _why_excluded(line: CartLine, rule: CodeRule, ctx: CheckContext) -> str:
    if line.gift_card:
        return "gift cards take no codes"
    if not line.takes_codes(ctx.rules):
        kind = PriceKind(line.price_kind).label.lower() if line.price_kind in PriceKind.values else "sale"
        return f"already reduced ({kind} price)"
    return f"{line.category_name or line.category} is excluded from this code"


def _day(moment: dt.datetime, ctx: CheckContext) -> str:
    return format_date(moment.astimezone(ZoneInfo(ctx.timezone)).date(), "long", locale=ctx.locale)


def _country(code: str, ctx: CheckContext) -> str:
    return ctx.country_names.get(code, code)


def _verdict_refused(typed: str) -> Callable[..., CodeVerdict]:
    def refuse(
        reason: CodeReason,
        message: str,
        *,
        missing_amount: Decimal | None = None,
        missing_quantity: int | None = None,
        excluded_skus: tuple[str, ...] = (),
    ) -> CodeVerdict:
        return CodeVerdict(
            code=typed,
            applied=False,
            reason_code=reason,
            message=message,
            saving=ZERO,
            missing_amount=missing_amount,
            missing_quantity=missing_quantity,
            excluded_skus=excluded_skus,
        )

    return refuse


def shopper_refusal(
    rule: CodeRule, shopper: Shopper, ctx: CheckContext, typed: str | None = None
) -> CodeVerdict | None:
    """The rules about when, where and who (not the cart, not the total count): the redeem service re-checks these."""
    refuse = _verdict_refused(typed or rule.code)
    code = rule.code
    if rule.starts_at is not None and ctx.now < rule.starts_at:
        day = _day(rule.starts_at, ctx)
        return refuse(CodeReason.NOT_STARTED, f"{code} starts on {day}. Try it again from that day.")
    if rule.ends_at is not None and ctx.now >= rule.ends_at:
        day = _day(rule.ends_at, ctx)
        return refuse(CodeReason.EXPIRED, f"{code} expired on {day}.")
    if rule.countries and shopper.country not in rule.countries:
        allowed = ", ".join(sorted(_country(c, ctx) for c in rule.countries))
        where = ctx.country_name or shopper.country
        return refuse(
            CodeReason.COUNTRY_NOT_ELIGIBLE,
            f"{code} is valid only for delivery to {allowed}; this cart ships to {where}.",
        )
    if rule.first_order_only and shopper.has_ordered:
        return refuse(
            CodeReason.FIRST_ORDER_ONLY,
            f"{code} is for a first order only, and we already have an order from you.",
        )
    used = shopper.uses.get(code, 0)
    if rule.per_customer_limit is not None and used >= rule.per_customer_limit:
        times = "once" if rule.per_customer_limit == 1 else f"{rule.per_customer_limit} times"
        return refuse(
            CodeReason.ALREADY_USED_BY_CUSTOMER,
            f"You have already used {code} {used} time{'s' if used != 1 else ''}; "
            f"it can be used {times} per customer.",
        )
    return None


def _refusal(
    typed: str, rule: CodeRule, cart: Sequence[CartLine], shopper: Shopper, ctx: CheckContext
) -> CodeVerdict | None:
    """The first rule the code breaks for this cart and shopper, or None when it can be used."""

    def money(amount: Decimal) -> str:
        return format_money(amount, ctx.currency, ctx.locale)

    refuse = _verdict_refused(typed)
    code = rule.code
    refusal = shopper_refusal(rule, shopper, ctx, typed)
    if refusal is not None:
        return refusal
    if rule.usage_limit is not None and rule.times_used >= rule.usage_limit:
        return refuse(
            CodeReason.USAGE_LIMIT_REACHED,
            f"{code} could be used {rule.usage_limit} times in all, and every use has been taken.",
        )
    eligible = [line for line in cart if line.takes_codes(ctx.rules) and rule.accepts(line)]
    excluded = [line for line in cart if not (line.takes_codes(ctx.rules) and rule.accepts(line))]
    if not eligible:
        reasons = "; ".join(
            f"{line.name} ({line.sku}): {_why_excluded(line, rule, ctx)}" for line in excluded
        )
        return refuse(
            CodeReason.NO_ELIGIBLE_ITEMS,
            f"{code} applies to none of the items in your cart. {reasons}.",
            excluded_skus=tuple(line.sku for line in excluded),
        )
    eligible_subtotal = sum((line.gross for line in eligible), ZERO)
    scope = "on items this code applies to" if excluded else ""
    if eligible_subtotal < rule.min_subtotal:
        missing = rule.min_subtotal - eligible_subtotal
        return refuse(
            CodeReason.MINIMUM_NOT_MET,
            " ".join(
                part
                for part in (
                    f"{code} needs a subtotal of {money(rule.min_subtotal)}{' ' + scope if scope else ''};",
                    f"yours is {money(eligible_subtotal)}. Add {money(missing)} more to use it.",
                )
            ),
            missing_amount=missing,
            excluded_skus=tuple(line.sku for line in excluded),
        )
    eligible_quantity = sum(line.quantity for line in eligible)
    if eligible_quantity < rule.min_quantity:
        short = rule.min_quantity - eligible_quantity
        return refuse(
            CodeReason.MINIMUM_NOT_MET,
            f"{code} needs {rule.min_quantity} items{' ' + scope if scope else ''}; your cart has "
            f"{eligible_quantity}. Add {short} more to use it.",
            missing_quantity=short,
            excluded_skus=tuple(line.sku for line in excluded),
        )
    return None


# --- combinations -----------------------------------------------------------------------------------
def stacking_allowed(codes: Sequence[CodeRule], rules: Promotions) -> bool:
    """One code always; several only if none is exclusive and their kinds fit one combinable group."""
    if len(codes) <= 1:
        return True
    if len(codes) > rules.max_codes_per_order or any(code.exclusive for code in codes):
        return False
    kinds: Counter[str] = Counter(code.kind for code in codes)
    for group in rules.combinable_groups:
        room: Counter[str] = Counter(group)
        if all(kinds[kind] <= room[kind] for kind in kinds):
            return True
    return False


def _price(cart: Sequence[CartLine], codes: Sequence[CodeRule], ctx: CheckContext) -> Totals[CodeRule]:
    lines = [
        PricedLine(
            quantity=line.quantity,
            unit_price=line.unit_price,
            price_kind=line.price_kind,
            category=line.category,
            gift_card=line.gift_card,
        )
        for line in cart
    ]
    return price_order(
        lines=lines,
        coupons=codes,
        zone=ctx.zone,
        method=ctx.method,
        tax_percent=ZERO,  # tax depends on the full address: the checkout adds it
        currency=ctx.currency,
        rules=ctx.rules,
    )


def best_combination(
    valid: Sequence[CodeRule], cart: Sequence[CartLine], ctx: CheckContext
) -> tuple[list[CodeRule], Totals[CodeRule], Totals[CodeRule]]:
    """The allowed set of codes with the lowest total (ties go to more codes, then to the order typed).

    Compared on the total, not on the codes' face value: a discount can pull the cart under the
    free-shipping threshold, so two codes may save less than one. Returns (codes, their totals, no codes).
    """
    without = _price(cart, [], ctx)
    best: list[CodeRule] = []
    best_totals = without
    best_key = (-without.total, 0)
    largest = min(len(valid), ctx.rules.max_codes_per_order)
    for size in range(1, largest + 1):
        for combo in itertools.combinations(valid, size):
            if not stacking_allowed(combo, ctx.rules):
                continue
            totals = _price(cart, combo, ctx)
            key = (-totals.total, size)
            if key > best_key:
                best, best_totals, best_key = list(combo), totals, key
    return best, best_totals, without


def _left_out(
    typed: str,
    rule: CodeRule,
    best: Sequence[CodeRule],
    cart: Sequence[CartLine],
    totals: tuple[Decimal, Decimal, Decimal],
    ctx: CheckContext,
) -> CodeVerdict:
    """Why a usable code is not in the best combination: no gain, too many codes, or the code it clashes with.

    `totals`: (the best total, what the best combination saves, what this code alone would save).
    """
    total, kept, alone = totals
    kept_money = format_money(kept, ctx.currency, ctx.locale)
    alone_money = format_money(alone, ctx.currency, ctx.locale)
    names = " and ".join(c.code for c in best)
    together = " together" if len(best) > 1 else ""
    limit = ctx.rules.max_codes_per_order
    if best and stacking_allowed([*best, rule], ctx.rules):
        with_it = _price(cart, [*best, rule], ctx).total
        return CodeVerdict(
            code=typed,
            applied=False,
            reason_code=CodeReason.NO_EXTRA_SAVING,
            message=(
                f"{rule.code} combines with {names}, but your total would be "
                f"{format_money(with_it, ctx.currency, ctx.locale)} with it and "
                f"{format_money(total, ctx.currency, ctx.locale)} without it (a lower subtotal can lose "
                "free shipping), so we left it out."
            ),
            saving=ZERO,
            valid=True,
        )
    unlimited = ctx.rules.model_copy(update={"max_codes_per_order": len(best) + 1})
    if len(best) >= limit and stacking_allowed([*best, rule], unlimited):
        return CodeVerdict(
            code=typed,
            applied=False,
            reason_code=CodeReason.TOO_MANY_CODES,
            message=(
                f"Up to {limit} code{'s' if limit != 1 else ''} can be used on one order. "
                f"We kept {names}, which save {kept_money}{together}, so {rule.code} was left out."
            ),
            saving=ZERO,
            valid=True,
        )
    conflicts = tuple(
        other.code for other in best if not stacking_allowed([other, rule], ctx.rules)
    ) or tuple(other.code for other in best)
    if rule.exclusive:
        why = f"{rule.code} can't be combined with any other code"
    elif any(other.exclusive for other in best if other.code in conflicts):
        why = f"{' and '.join(conflicts)} can't be combined with any other code"
    else:
        why = f"{rule.code} can't be combined with {' and '.join(conflicts)}"
    return CodeVerdict(
        code=typed,
        applied=False,
        reason_code=CodeReason.NOT_COMBINABLE,
        message=(
            f"{why}. We kept {names}, which save{'s' if len(best) == 1 else ''} {kept_money}{together}; "
            f"{rule.code} alone would save {alone_money}."
        ),
        saving=ZERO,
        valid=True,
        conflicts_with=conflicts,
    )


# --- the check --------------------------------------------------------------------------------------
def check_codes(
    *,
    typed_codes: Sequence[str],
    found: Mapping[str, CodeRule],
    public_codes: Iterable[str],
    cart: Sequence[CartLine],
    shopper: Shopper,
    ctx: CheckContext,
) -> CheckResult:
    """Every typed code with its reason, and the best allowed combination with its total.

    `found` maps a normalised code to its rule (only the codes typed); `public_codes` are the live public
    codes a typed code may have meant (see `typo_candidates`), read only when a code isn't found.
    """
    verdicts: dict[int, CodeVerdict] = {}
    valid: list[tuple[int, str, CodeRule]] = []
    seen: set[str] = set()
    public_list: list[str] | None = None
    for index, typed in enumerate(typed_codes):
        key = normalise_code(typed, ctx.rules)
        if key in seen:
            continue  # the same code typed twice counts once
        seen.add(key)
        rule = found.get(key)
        if rule is None or not rule.active:
            if public_list is None:
                public_list = list(public_codes)
            verdicts[index] = _not_found(typed, public_list, ctx)
            continue
        refusal = _refusal(typed, rule, cart, shopper, ctx)
        if refusal is not None:
            verdicts[index] = refusal if rule.public or shopper.identified else _hidden(typed)
            continue
        valid.append((index, typed, rule))
    chosen, totals, without = best_combination([rule for _, _, rule in valid], cart, ctx)
    saving = without.total - totals.total
    amounts = {use.coupon.code: use.amount for use in totals.coupons}
    for index, typed, rule in valid:
        if rule in chosen:
            share = amounts.get(rule.code, ZERO)
            verdicts[index] = CodeVerdict(
                code=typed,
                applied=True,
                reason_code=CodeReason.APPLIED,
                message=_applied_message(rule, share, ctx),
                saving=share,
                valid=True,
            )
        else:
            alone = without.total - _price(cart, [rule], ctx).total
            verdict = _left_out(typed, rule, chosen, cart, (totals.total, saving, alone), ctx)
            verdicts[index] = verdict if rule.public or shopper.identified else _hidden(typed)
    return CheckResult(
        codes=[verdicts[index] for index in sorted(verdicts)],
        best_combination=[rule.code for rule in chosen],
        subtotal=totals.subtotal,
        discount=totals.discount_total,
        shipping=totals.shipping_total,
        duties=totals.duties_total,
        saving=saving,
        shipping_without_codes=without.shipping_total,
        total=totals.total,
    )


def _applied_message(rule: CodeRule, saving: Decimal, ctx: CheckContext) -> str:
    money = format_money(saving, ctx.currency, ctx.locale)
    if rule.kind == FREE_SHIPPING:
        if saving <= 0:
            return f"{rule.code} applies, but shipping on this cart is already free."
        return f"{rule.code} applies: free shipping saves you {money}."
    return f"{rule.code} applies: you save {money}."


def _not_found_message(typed: str) -> str:
    return f'We couldn\'t find the code "{typed}". Check it against the email or advert it came from.'


def _hidden(typed: str) -> CodeVerdict:
    """A private code's refusal for a shopper who isn't signed in: indistinguishable from a missing code."""
    return CodeVerdict(
        code=typed,
        applied=False,
        reason_code=CodeReason.NOT_FOUND,
        message=_not_found_message(typed),
        saving=ZERO,
    )


def _not_found(typed: str, public_codes: Sequence[str], ctx: CheckContext) -> CodeVerdict:
    suggestion = suggest_public_code(typed.strip(), public_codes, ctx.rules)
    if suggestion is None:
        return _hidden(typed)
    if suggestion.upper() == typed.strip().upper():
        message = f'Codes are case-sensitive here: "{typed}" should be typed {suggestion}.'
    else:
        message = f'We couldn\'t find "{typed}". Did you mean {suggestion}?'
    return CodeVerdict(
        code=typed,
        applied=False,
        reason_code=CodeReason.CASE_OR_TYPO,
        message=message,
        saving=ZERO,
        suggestion=suggestion,
    )
