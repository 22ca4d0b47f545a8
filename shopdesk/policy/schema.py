"""The typed shape of a store policy file. Unknown keys are errors, so a typo never passes silently."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

import pycountry
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from shopdesk.core.business_hours import BusinessHours

Amount = Decimal


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _country(code: str) -> str:
    code = code.upper()
    if code != "*" and pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166 alpha-2 country code")
    return code


CountryCode = Annotated[str, AfterValidator(_country)]


class Warehouse(Strict):
    code: str
    name: str
    country: CountryCode
    # Where returns to this warehouse are sent, one line each (printed on the return slip).
    return_address: list[str] = []


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PERIOD = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


def _periods(value: str) -> tuple[tuple[dt.time, dt.time], ...]:
    """ "09:00-12:30, 13:30-18:00" → ((09:00, 12:30), (13:30, 18:00)); "" or "closed" → ()."""
    text = value.strip().lower()
    if text in ("", "closed"):
        return ()
    periods: list[tuple[dt.time, dt.time]] = []
    for part in text.split(","):
        match = _PERIOD.match(part.strip())
        if match is None:
            raise ValueError(f"{part.strip()!r} is not a period like 09:00-18:00")
        start_h, start_m, end_h, end_m = (int(group) for group in match.groups())
        start = dt.time(start_h, start_m)
        end = dt.time.max if (end_h, end_m) == (24, 0) else dt.time(end_h, end_m)
        if end_h == 24 and end_m:
            raise ValueError(f"{part.strip()!r}: a day ends at 24:00")
        if start >= end:
            raise ValueError(f"{part.strip()!r}: a period closes after it opens (split one across midnight)")
        if periods and start < periods[-1][1]:
            raise ValueError(f"{value!r}: periods must be in order and must not overlap")
        periods.append((start, end))
    return tuple(periods)


class BusinessHoursPolicy(Strict):
    """When people answer: open periods per weekday in the store's time zone (or `timezone`), and
    closed days. Service levels count only these hours; the support-hours sentence is written from them."""

    timezone: str = ""  # empty: the store's time zone
    monday: str = "closed"
    tuesday: str = "closed"
    wednesday: str = "closed"
    thursday: str = "closed"
    friday: str = "closed"
    saturday: str = "closed"
    sunday: str = "closed"
    holidays: list[dt.date] = []

    @model_validator(mode="after")
    def _valid(self) -> BusinessHoursPolicy:
        for day in WEEKDAYS:
            try:
                _periods(getattr(self, day))
            except ValueError as error:
                raise ValueError(f"{day}: {error}") from None
        if not any(_periods(getattr(self, day)) for day in WEEKDAYS):
            raise ValueError("business hours must open on at least one weekday")
        if self.timezone:
            _zone_check(self.timezone)
        return self

    def periods(self, weekday: int) -> tuple[tuple[dt.time, dt.time], ...]:
        return _periods(getattr(self, WEEKDAYS[weekday]))

    def schedule(self, store_timezone: str) -> BusinessHours:
        return BusinessHours(
            timezone=self.timezone or store_timezone,
            week={index: self.periods(index) for index in range(7)},
            holidays=frozenset(self.holidays),
        )

    def sentence(self, store_timezone: str) -> str:
        """ "Monday to Friday, 9:00 to 18:00 New York time": the hours as the help pages say them."""
        groups: list[tuple[int, int, tuple[tuple[dt.time, dt.time], ...]]] = []
        for index in range(7):
            periods = self.periods(index)
            if groups and groups[-1][2] == periods and groups[-1][1] == index - 1:
                groups[-1] = (groups[-1][0], index, periods)
            else:
                groups.append((index, index, periods))
        parts = []
        for first, last, periods in groups:
            if not periods:
                continue
            days = WEEKDAYS[first].title()
            if last > first:
                days += f"{' and ' if last == first + 1 else ' to '}{WEEKDAYS[last].title()}"
            times = " and ".join(f"{_clock(start)} to {_clock(end)}" for start, end in periods)
            parts.append(f"{days}, {times}")
        place = (self.timezone or store_timezone).rsplit("/", 1)[-1].replace("_", " ")
        return f"{'; '.join(parts)} {place} time"


def _clock(moment: dt.time) -> str:
    return "24:00" if moment == dt.time.max else f"{moment.hour}:{moment.minute:02d}"


def _zone_check(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone name like America/New_York") from None
    return name


class Store(Strict):
    name: str
    legal_name: str
    website: str
    currency: str = Field(min_length=3, max_length=3)
    locale: str
    timezone: str
    support_email: str
    support_phone: str
    # Written from `business_hours` when left out, so the pages and the service levels agree.
    support_hours: str = ""
    chat_hours: str
    first_response_hours: int = Field(gt=0)
    business_hours: BusinessHoursPolicy = BusinessHoursPolicy(
        monday="09:00-18:00",
        tuesday="09:00-18:00",
        wednesday="09:00-18:00",
        thursday="09:00-18:00",
        friday="09:00-18:00",
    )
    order_number_prefix: str = Field(pattern=r"^[A-Z]{0,4}$")
    order_number_digits: int = Field(ge=4, le=12)
    founded_year: int
    headquarters: str
    about: str
    warehouses: list[Warehouse] = Field(min_length=1)

    @model_validator(mode="after")
    def _support_hours_sentence(self) -> Store:
        _zone_check(self.timezone)
        if not self.support_hours:
            # Frozen model: the derived sentence is set once, while validating.
            object.__setattr__(self, "support_hours", self.business_hours.sentence(self.timezone))
        return self

    def business_schedule(self) -> BusinessHours:
        return self.business_hours.schedule(self.timezone)


class BillingAddressRules(Strict):
    change_before: Literal["dispatch", "capture", "never"]
    same_country_only: bool
    reason_country_change: str


class Orders(Strict):
    processing_days_min: int = Field(ge=0)
    processing_days_max: int = Field(ge=0)
    same_day_cutoff_hour: int = Field(ge=0, le=23)
    change_window_hours: int = Field(ge=0)
    changeable: list[Literal["size", "colour", "quantity", "shipping_address", "billing_address"]]
    max_quantity_per_line: int = Field(gt=0)
    cancellation: Literal["before_dispatch", "never"]
    confirmation_email_minutes: int = Field(gt=0)
    shipping_email: Literal["per_package", "per_order"]
    email_change_needs_confirmation: bool
    billing_address: BillingAddressRules
    # Store decisions that used to be constants (defaults keep older store files valid).
    resends_per_hour: int = Field(default=3, gt=0, description="Resends of one email per order per hour.")
    email_change_link_hours: int = Field(default=24, gt=0, description="How long the confirm link works.")
    email_changes_per_hour: int = Field(
        default=3, gt=0, description="Email-change requests per order per hour."
    )
    magic_link_minutes: int = Field(default=30, gt=0, description="How long a sign-in link works.")


class ReturnedToSender(Strict):
    hold_days: int = Field(ge=0)
    reship_fee: Amount = Field(ge=0)
    refund_deducts_original_shipping: bool
    return_shipping_charge: Amount = Field(ge=0)
    duties_refunded: bool
    options: list[Literal["reship", "refund"]] = Field(min_length=1)


class Carrier(Strict):
    code: str
    name: str
    tracking_url: str
    not_home_options: str

    @field_validator("tracking_url")
    @classmethod
    def _has_placeholder(cls, value: str) -> str:
        if "{number}" not in value:
            raise ValueError("must contain {number}")
        return value


class ShippingMethod(Strict):
    code: str
    name: str
    carrier: str
    fee: Amount = Field(ge=0)
    free_over: Amount | None = None
    transit_days_min: int = Field(ge=0)
    transit_days_max: int = Field(ge=0)


class Zone(Strict):
    code: str
    name: str
    countries: list[CountryCode] = Field(min_length=1)
    warehouses: list[str] = Field(min_length=1)
    duties: Literal["none", "store_pays", "collected_on_delivery"]
    duties_free_under: Amount | None = None
    duties_rate_percent: Decimal | None = None
    methods: list[ShippingMethod] = Field(min_length=1)

    def method(self, code: str) -> ShippingMethod | None:
        return next((m for m in self.methods if m.code == code), None)


class Surcharge(Strict):
    code: str
    name: str
    fee: Amount = Field(ge=0)
    description: str


class Shipping(Strict):
    stale_tracking_days: int = Field(gt=0)
    lost_after_days: int = Field(gt=0)
    late_grace_days: int = Field(ge=0)
    label_activation_hours: int = Field(gt=0)
    delivered_missing_wait_hours: int = Field(
        default=48, ge=0, description="Marked delivered but not found: wait this long before investigating."
    )
    notice_freshness_hours: int = Field(
        default=48, gt=0, description="Tracking emails go out only for events at most this old."
    )
    po_boxes_allowed: list[CountryCode]
    po_boxes_methods: list[str]
    address_change_after_dispatch: Literal["carrier", "never"]
    returned_to_sender: ReturnedToSender
    carriers: list[Carrier] = Field(min_length=1)
    zones: list[Zone] = Field(min_length=1)
    surcharges: list[Surcharge] = []


class NonReturnable(Strict):
    code: Literal["final_sale", "hygiene", "custom_made", "gift_card"]
    name: str
    reason: str
    # Still returnable when it arrived faulty (a reason of `free_return_reasons`), once an agent approves.
    faulty_returnable: bool = False


class ReturnReason(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    label: str


DEFAULT_RETURN_REASONS = [
    ReturnReason(code="too_small", label="Too small"),
    ReturnReason(code="too_big", label="Too big"),
    ReturnReason(code="not_as_pictured", label="Colour or style not as pictured"),
    ReturnReason(code="damaged_in_transit", label="Arrived damaged"),
    ReturnReason(code="defective", label="Defective or faulty"),
    ReturnReason(code="wrong_item", label="Wrong item sent"),
    ReturnReason(code="changed_mind", label="Changed my mind"),
]


class Returns(Strict):
    window_days: int = Field(gt=0)
    window_starts: Literal["delivery", "order"]
    conditions: list[str] = Field(min_length=1)
    right_to_refuse: str
    label_fee: Amount = Field(ge=0)
    free_return_reasons: list[str]
    restocking_fee_percent: Decimal = Field(ge=0, le=100)
    restocking_fee_applies_to: str
    inspection_days: int = Field(ge=0)
    original_shipping_refunded: bool
    exchanges: bool
    non_returnable: list[NonReturnable]
    # Why a customer may send an item back (the choice list of the return form).
    reasons: list[ReturnReason] = Field(default_factory=lambda: list(DEFAULT_RETURN_REASONS), min_length=1)
    # A return whose items are worth more than this waits for an agent's approval (None: always automatic).
    approval_above: Amount | None = Field(None, ge=0)
    # Store credit instead of a refund, with a bonus on top (a percent of what the items give back).
    store_credit: bool = True
    store_credit_bonus_percent: Decimal = Field(Decimal(0), ge=0, le=100)
    # "Keep it": the item stays with the customer and is refunded without coming back, when one unit is
    # worth at most `keep_below` (None: never for its value) or the reason is one of `keep_reasons`.
    keep_below: Amount | None = Field(None, ge=0)
    keep_reasons: list[str] = Field(default_factory=list)

    def keep_allowed(self, *, unit_price: Decimal, reason: str) -> bool:
        if reason in self.keep_reasons:
            return True
        return self.keep_below is not None and unit_price <= self.keep_below

    def reason(self, code: str) -> ReturnReason | None:
        return next((r for r in self.reasons if r.code == code), None)

    def non_returnable_rule(self, flag: str) -> NonReturnable | None:
        return next((n for n in self.non_returnable if n.code == flag), None)

    def non_returnable_reason(self, flag: str) -> str | None:
        return next((n.reason for n in self.non_returnable if n.code == flag), None)


class PaymentMethod(Strict):
    code: str
    name: str
    countries: list[CountryCode] = Field(min_length=1)
    refund_days_min: int = Field(ge=0)
    refund_days_max: int = Field(ge=0)
    # Limits of the method (buy now, pay later providers set a minimum and a maximum order total).
    min_order: Amount | None = Field(None, ge=0, description="Smallest order total it can pay.")
    max_order: Amount | None = Field(None, gt=0, description="Largest order total it can pay.")
    note: str = Field("", description="One sentence shown beside the method (how it works).")

    def available_in(self, country: str) -> bool:
        return "*" in self.countries or country.upper() in self.countries


class Decline(Strict):
    code: str
    reason: str
    advice: str


class Payments(Strict):
    verification_over: Amount = Field(ge=0)
    verify_on_country_mismatch: bool
    verification_hours: int = Field(gt=0)
    verification_how: str
    verification_why: str
    methods: list[PaymentMethod] = Field(min_length=1)
    declines: list[Decline]
    # Defaults keep older store files valid.
    verification_expired: Literal["ship", "cancel"] = Field(
        "cancel", description="What happens when the verification deadline passes with no answer."
    )
    verification_document_max_kb: int = Field(
        5120, gt=0, description="Largest document (PDF, JPEG or PNG) a customer may upload to verify."
    )
    authorisation_release_days: int = Field(
        7, ge=0, description="Days a bank takes at most to drop a hold left by a declined or voided payment."
    )


class Points(Strict):
    name: str
    earn_per_unit: int = Field(ge=0)
    value_per_100: Amount = Field(gt=0)
    max_order_share_percent: int = Field(ge=0, le=100)
    min_redeem: int = Field(ge=0)
    available_after_days: int = Field(ge=0)
    expire_after_months: int = Field(ge=0)
    returned_on_cancel: Literal["immediately", "when_refunded"]
    returned_on_return: Literal["immediately", "when_refunded"]
    earn_on_shipping: bool


class Promotions(Strict):
    max_codes_per_order: int = Field(ge=1)
    codes_on_sale_items: bool
    case_sensitive: bool
    combinable_groups: list[list[Literal["percent", "fixed", "free_shipping"]]]
    stacking_note: str


class PriceAdjustment(Strict):
    window_days: int = Field(ge=0)
    window_starts: Literal["order", "delivery"]
    excluded_price_kinds: list[Literal["regular", "sale", "flash_sale", "clearance"]]
    excluded_flags: list[Literal["final_sale", "hygiene", "custom_made", "gift_card"]]
    paid_as: Literal["original_payment", "store_credit"]
    min_difference: Amount = Field(ge=0)
    max_per_order: int = Field(ge=0)


class WholesaleTier(Strict):
    min_units: int = Field(gt=0)
    discount_percent: Decimal = Field(gt=0, lt=100)


class Wholesale(Strict):
    min_units: int = Field(gt=0)
    inquiry_email: str
    response_business_days: int = Field(ge=0)
    requires_business_details: bool
    tiers: list[WholesaleTier] = Field(min_length=1)


class NewArrivals(Strict):
    days: int = Field(gt=0)
    drop_day: str
    url: str


class Legal(Strict):
    terms_updated: dt.date
    privacy_updated: dt.date
    governing_law: str
    privacy_email: str
    data_retention_years: int = Field(gt=0)
    copyright_holder: str
    copyright_email: str


class Guarantees(Strict):
    quality_days: int = Field(ge=0)
    secure_checkout: str
    price_guarantee: bool


class ServiceLevel(Strict):
    """Targets for one priority, in business hours (see store.business_hours)."""

    first_response_hours: Decimal = Field(gt=0)
    resolution_hours: Decimal = Field(gt=0)

    @model_validator(mode="after")
    def _order(self) -> ServiceLevel:
        if self.resolution_hours < self.first_response_hours:
            raise ValueError("resolution_hours must not be shorter than first_response_hours")
        return self


Priority = Literal["low", "normal", "high", "urgent"]


def _default_service_levels() -> dict[Priority, ServiceLevel]:
    hours: dict[Priority, tuple[int, int]] = {
        "urgent": (1, 8),
        "high": (4, 24),
        "normal": (8, 40),
        "low": (24, 80),
    }
    return {
        name: ServiceLevel(first_response_hours=Decimal(first), resolution_hours=Decimal(solve))
        for name, (first, solve) in hours.items()
    }


class Desk(Strict):
    """The agent desk: service levels by ticket priority, and how far an agent may go alone."""

    service_levels: dict[Priority, ServiceLevel] = Field(default_factory=_default_service_levels)
    # A ticket is "at risk" when less than this share of a target's business time is left.
    at_risk_share: Decimal = Field(Decimal("0.25"), gt=0, lt=1)
    # Refunds an agent performs above this amount wait for a lead's approval (None: no limit).
    agent_refund_limit: Amount | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _every_priority(self) -> Desk:
        missing = {"low", "normal", "high", "urgent"} - set(self.service_levels)
        if missing:
            raise ValueError(f"service_levels: add targets for {', '.join(sorted(missing))}")
        return self


class Policy(Strict):
    store: Store
    orders: Orders
    shipping: Shipping
    returns: Returns
    payments: Payments
    points: Points
    promotions: Promotions
    price_adjustment: PriceAdjustment
    wholesale: Wholesale
    new_arrivals: NewArrivals
    legal: Legal
    guarantees: Guarantees
    desk: Desk = Field(default_factory=lambda: Desk.model_validate({}))

    @model_validator(mode="after")
    def _references(self) -> Policy:
        """Cross-references between sections must resolve (a zone's carrier, a zone's warehouse)."""
        carriers = {c.code for c in self.shipping.carriers}
        warehouses = {w.code for w in self.store.warehouses}
        for index, zone in enumerate(self.shipping.zones):
            for name in zone.warehouses:
                if name not in warehouses:
                    raise ValueError(f"shipping.zones[{index}].warehouses: unknown warehouse {name!r}")
            for m_index, method in enumerate(zone.methods):
                if method.carrier not in carriers:
                    raise ValueError(
                        f"shipping.zones[{index}].methods[{m_index}].carrier: unknown carrier {method.carrier!r}"
                    )
        reasons = {r.code for r in self.returns.reasons}
        for code in self.returns.keep_reasons:
            if code not in reasons:
                raise ValueError(f"returns.keep_reasons: unknown reason {code!r}")
        return self

    # --- look-ups used by services and articles ------------------------------------------------
    def zone_for_country(self, country: str) -> Zone | None:
        country = country.upper()
        for zone in self.shipping.zones:
            if country in zone.countries:
                return zone
        return next((z for z in self.shipping.zones if "*" in z.countries), None)

    def carrier(self, code: str) -> Carrier | None:
        return next((c for c in self.shipping.carriers if c.code == code), None)

    def warehouse(self, code: str) -> Warehouse | None:
        return next((w for w in self.store.warehouses if w.code == code), None)

    def payment_method(self, code: str) -> PaymentMethod | None:
        return next((m for m in self.payments.methods if m.code == code), None)

    def payment_methods_for(self, country: str) -> list[PaymentMethod]:
        return [m for m in self.payments.methods if m.available_in(country)]

    def decline(self, code: str) -> Decline | None:
        return next((d for d in self.payments.declines if d.code == code), None)

    def points_value(self, points: int) -> Decimal:
        return (Decimal(points) * self.points.value_per_100 / 100).quantize(Decimal("0.01"))

    def is_order_number(self, value: str) -> bool:
        """Exactly the store's format (prefix and digit count), as the store platform must send it."""
        prefix, digits = self.store.order_number_prefix, self.store.order_number_digits
        return re.fullmatch(rf"{re.escape(prefix)}\d{{{digits}}}", value) is not None

    def format_order_number(self, serial: int) -> str:
        return f"{self.store.order_number_prefix}{serial:0{self.store.order_number_digits}d}"
