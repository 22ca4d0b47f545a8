"""Policy variables in article Markdown: a locked-down Django template engine and the context it sees.

Articles are written by store staff in the admin, so the engine has no loaders (no {% include %}),
no {% load %}-able libraries and no {% debug %}, and the context is plain data (dicts, lists, strings,
numbers) built from the policy: a template can read the policy, never call into the application.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from typing import Any

import pycountry
from babel.dates import format_date
from babel.numbers import format_decimal
from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import Node, NodeList, Parser, Token
from pydantic import BaseModel

from shopdesk.core.money import format_money
from shopdesk.policy import Policy

POINTS_URL = "/orders/points/"  # the shopper's points page (magic-link sign-in)
ORDER_LOOKUP_URL = "/orders/"
MISSING_MARKER = "\x00missing:%s\x00"

# Decimal fields of the policy that are percentages or counts, not amounts of money.
_NOT_MONEY = {"duties_rate_percent", "restocking_fee_percent", "discount_percent"}

_CHANGEABLE_LABELS = {
    "size": "size",
    "colour": "colour",
    "quantity": "quantity",
    "shipping_address": "shipping address",
    "billing_address": "billing address",
}
_FREE_RETURN_LABELS = {
    "defective": "the item is faulty",
    "wrong_item": "we sent the wrong item",
    "damaged_in_transit": "it arrived damaged",
}
_PRICE_KIND_LABELS = {
    "regular": "regular price",
    "sale": "sale",
    "flash_sale": "flash sales",
    "clearance": "clearance",
}
_FLAG_LABELS = {
    "final_sale": "Final Sale items",
    "hygiene": "hygiene items",
    "custom_made": "made-to-order items",
    "gift_card": "gift cards",
}


def _safe_library(source: Library, excluded: set[str]) -> Library:
    """A copy of a built-in tag library without the given tags (never mutate Django's own)."""
    library = Library()
    library.tags = {name: tag for name, tag in source.tags.items() if name not in excluded}
    library.filters = dict(source.filters)
    return library


class _ActionNode(Node):
    """{% action "id" %}what the action does{% else %}what to do without it{% endaction %}."""

    def __init__(self, action_id: str, when_registered: NodeList, otherwise: NodeList):
        self.action_id = action_id
        self.when_registered = when_registered
        self.otherwise = otherwise

    def render(self, context: Context) -> str:
        from shopdesk.selfservice.registry import is_registered  # the registry sits below the help center

        chosen = self.when_registered if is_registered(self.action_id) else self.otherwise
        return str(chosen.render(context))


_actions = Library()


@_actions.tag("action")
def _action_tag(parser: Parser, token: Token) -> _ActionNode:
    """An article names a self-service action by its registry id: the block shows only when it exists,
    so an article never promises a button the order page lacks (the {% else %} part says what is true)."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][:1] not in "\"'" or bits[1][-1:] != bits[1][:1]:
        raise TemplateSyntaxError('{% action "id" %} takes one quoted action id')
    when_registered = parser.parse(("else", "endaction"))
    otherwise = NodeList()
    if parser.next_token().contents == "else":
        otherwise = parser.parse(("endaction",))
        parser.delete_first_token()
    return _ActionNode(bits[1][1:-1], when_registered, otherwise)


def action_ids_named(source: str) -> set[str]:
    """The action ids an article's Markdown names in {% action %} blocks."""
    return set(_ACTION_ID.findall(source))


_ACTION_ID = re.compile(r"{%\s*action\s+[\"']([a-z_]+)[\"']\s*%}")


def registry_fingerprint() -> str:
    """Which actions exist: part of a rendered article's cache key, since action blocks depend on it."""
    from shopdesk.selfservice.registry import actions_all

    return hashlib.sha256(",".join(sorted(a.id for a in actions_all())).encode()).hexdigest()[:12]


def _build_engine(*, strict: bool) -> Engine:
    engine = Engine(
        dirs=[],
        app_dirs=False,
        loaders=[],
        libraries={},
        builtins=[],
        autoescape=False,
        debug=False,
        string_if_invalid=MISSING_MARKER if strict else "",
    )
    # {% debug %} would print the context, {% load %} has nothing to load, {% csrf_token %} and {% url %}
    # mean nothing in an article; inheritance tags are left out entirely (no loaders).
    engine.template_builtins = [
        _safe_library(defaulttags.register, {"debug", "load", "csrf_token", "url"}),
        _safe_library(defaultfilters.register, set()),
        _actions,
    ]
    return engine


_ENGINE = _build_engine(strict=False)
_STRICT_ENGINE = _build_engine(strict=True)


class ArticleTemplateError(ValueError):
    """The article's variables do not parse, or name something the policy does not have."""


_NAMES_WITH_THE = (
    "United ",
    "Netherlands",
    "Czech Republic",
    "Philippines",
    "Dominican Republic",
    "Bahamas",
    "Gambia",
)


def country_in_sentence(code: str) -> str:
    """A country's name as a sentence reads it ("the United States", "Japan"); `*` is every other one."""
    if code == "*":
        return "every other country"
    country = pycountry.countries.get(alpha_2=code)
    name = getattr(country, "common_name", None) or (country.name if country else code)
    # "the United States", "the Netherlands": read in a sentence, these names need their article.
    return f"the {name}" if name.startswith(_NAMES_WITH_THE) else name


def _join(items: list[str], conjunction: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


class _Plain:
    """Converts policy models into plain dicts: money formatted in the store currency, dates written out."""

    def __init__(self, policy: Policy):
        self.currency = policy.store.currency
        self.locale = policy.store.locale

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.currency, self.locale)

    def number(self, value: Decimal) -> str:
        return format_decimal(value.normalize(), locale=self.locale)

    def convert(self, value: Any, field: str = "") -> Any:
        if isinstance(value, BaseModel):
            return {name: self.convert(getattr(value, name), name) for name in type(value).model_fields}
        if isinstance(value, list):
            return [self.convert(item, field) for item in value]
        if isinstance(value, Decimal):
            return self.number(value) if field in _NOT_MONEY else self.money(value)
        if isinstance(value, dt.date):
            return format_date(value, format="long", locale=self.locale)
        return value


def build_context(policy: Policy) -> dict[str, Any]:
    """Everything an article may use. Raw policy keys keep their names; derived helpers are added."""
    plain = _Plain(policy)
    data: dict[str, Any] = plain.convert(policy)
    carriers = {c.code: c.name for c in policy.shipping.carriers}
    warehouses = {w.code: w.name for w in policy.store.warehouses}
    for zone, raw in zip(data["shipping"]["zones"], policy.shipping.zones, strict=True):
        zone["country_names"] = _join([country_in_sentence(c) for c in raw.countries])
        zone["everywhere_else"] = "*" in raw.countries
        zone["warehouse_names"] = _join([warehouses[w] for w in raw.warehouses], "or")
        zone["has_duties"] = raw.duties == "collected_on_delivery"
        zone["duties_on_every_order"] = raw.duties_free_under is not None and raw.duties_free_under == 0
        for method, raw_method in zip(zone["methods"], raw.methods, strict=True):
            method["carrier_name"] = carriers[raw_method.carrier]
            method["always_paid"] = raw_method.free_over is None
    for method, raw_pm in zip(data["payments"]["methods"], policy.payments.methods, strict=True):
        method["everywhere"] = "*" in raw_pm.countries
        method["country_names"] = _join([country_in_sentence(c) for c in raw_pm.countries if c != "*"])
        method["instant"] = raw_pm.refund_days_max == 0
        method["has_limits"] = raw_pm.min_order is not None or raw_pm.max_order is not None
    data["payments"]["local_methods"] = [m for m in data["payments"]["methods"] if not m["everywhere"]]
    data["payments"]["global_methods"] = [m for m in data["payments"]["methods"] if m["everywhere"]]
    data["shipping"]["po_box_country_names"] = _join(
        [country_in_sentence(c) for c in policy.shipping.po_boxes_allowed]
    )
    data["shipping"]["duty_zones"] = [z for z in data["shipping"]["zones"] if z["has_duties"]]
    data["shipping"]["duty_free_zones"] = [z for z in data["shipping"]["zones"] if not z["has_duties"]]
    data["orders"]["changeable_names"] = _join([_CHANGEABLE_LABELS[c] for c in policy.orders.changeable])
    data["orders"]["billing_address"]["changeable"] = policy.orders.billing_address.change_before != "never"
    data["returns"]["free_return_reason_names"] = _join(
        [_FREE_RETURN_LABELS.get(r, r.replace("_", " ")) for r in policy.returns.free_return_reasons], "or"
    )
    data["returns"]["has_restocking_fee"] = policy.returns.restocking_fee_percent > 0
    data["returns"]["keep_reason_names"] = _join(
        [f"“{r.label.lower()}”" for r in policy.returns.reasons if r.code in policy.returns.keep_reasons],
        "or",
    )
    data["returns"]["store_credit_bonus"] = f"{policy.returns.store_credit_bonus_percent.normalize():f}"
    data["price_adjustment"]["excluded_names"] = _join(
        [_PRICE_KIND_LABELS[k] for k in policy.price_adjustment.excluded_price_kinds]
        + [_FLAG_LABELS[f] for f in policy.price_adjustment.excluded_flags],
        "or",
    )
    points = policy.points
    data["points"]["min_redeem_value"] = plain.money(policy.points_value(points.min_redeem))
    data["points"]["one_unit"] = plain.money(Decimal(1))
    example_total = Decimal(100)
    example_value = (example_total * points.max_order_share_percent / 100).quantize(Decimal("0.01"))
    data["points"]["example_order"] = plain.money(example_total)
    data["points"]["example_max_value"] = plain.money(example_value)
    data["points"]["example_max_points"] = format_decimal(
        int(example_value * 100 / points.value_per_100), locale=policy.store.locale
    )
    data["points"]["per_100_value"] = plain.money(points.value_per_100)
    data["promotions"]["stackable"] = policy.promotions.max_codes_per_order > 1
    data["store"]["warehouse_names"] = _join([w.name for w in policy.store.warehouses])
    data["store"]["timezone_city"] = policy.store.timezone.rsplit("/", 1)[-1].replace("_", " ")
    data["store"]["order_number_example"] = policy.format_order_number(1234)
    data["links"] = {
        "order_lookup": ORDER_LOOKUP_URL,
        "help": "/help/",
        "points": POINTS_URL,
        "payment_methods": "/help/payment-methods/",
    }
    return data


_context_memo: tuple[Policy | None, dict[str, Any], str] = (None, {}, "")


def policy_context(policy: Policy) -> tuple[dict[str, Any], str]:
    """The context and a fingerprint of the policy, built once per loaded policy object."""
    global _context_memo
    if _context_memo[0] is not policy:
        fingerprint = hashlib.sha256(policy.model_dump_json().encode()).hexdigest()[:16]
        _context_memo = (policy, build_context(policy), fingerprint)
    return _context_memo[1], _context_memo[2]


def render_template(source: str, policy: Policy, *, strict: bool = False) -> str:
    """Fill the policy variables in; strict mode raises on names the policy does not have."""
    context, _ = policy_context(policy)
    engine = _STRICT_ENGINE if strict else _ENGINE
    try:
        output = engine.from_string(source).render(Context(context, autoescape=False))
    except TemplateSyntaxError as exc:
        raise ArticleTemplateError(f"the policy variables do not parse: {exc}") from None
    if strict and "\x00missing:" in output:
        names = sorted({part.split("\x00")[0] for part in output.split("\x00missing:")[1:]})
        raise ArticleTemplateError(f"unknown policy variable(s): {', '.join(names)}")
    return output
