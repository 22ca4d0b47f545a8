"""Open a carrier inquiry or an investigation on a package: idempotent, and only when a diagnosis calls for it.

Eligibility comes from the same diagnosis the customer sees (a stale, late, lost or missing package), and
is re-checked inside the transaction. One open case per package and kind (a partial unique constraint):
pressing the button twice, or two tabs racing, returns the case that is already open.

The diagnoses live in `orderview`, a layer above this one: orderview hands its reader of case offers to
`case_offers_provide` when the app starts, so this module asks for offers without importing the page.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import NotFound
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.events import order_event_record
from shopdesk.orders.models import Order
from shopdesk.payments.order_facts import OrderFacts
from shopdesk.promotions.price_adjustment import LineAdjustment
from shopdesk.shipping.models import Case, CaseKind, CaseStatus, Shipment

# No 0/O, 1/I/L: a reference read out on the phone is never ambiguous.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 6


@dataclass(frozen=True, slots=True)
class CaseOpened:
    case: Case
    created: bool


@dataclass(frozen=True, slots=True)
class CaseOffer:
    """A diagnosis of the order page offers this case on this package; `reason` is its diagnosis code."""

    shipment_id: int
    kind: str
    reason: str


@dataclass(frozen=True, slots=True)
class FactsWithOffers(OrderFacts):
    """The order's facts plus the case offers of its diagnoses, when the caller has them already
    (the order page does): listing the actions then reads nothing more."""

    case_offers: tuple[CaseOffer, ...] = ()
    # The price-adjustment answers of every line, when the page computed them for its diagnosis.
    price_adjustments: tuple[LineAdjustment, ...] | None = None
    # The emails resent in the last hour, (when, template), oldest first (`resends_in_last_hour`).
    resent: tuple[tuple[dt.datetime, str], ...] | None = None


CaseOffersReader = Callable[[Order, dt.datetime], Sequence[CaseOffer]]
_offers_reader: list[CaseOffersReader] = []


def case_offers_provide(reader: CaseOffersReader) -> CaseOffersReader:
    """Called once by the order view at start-up with the function that reads an order's case offers."""
    _offers_reader[:] = [reader]
    return reader


def case_offers(*, order: Order, now: dt.datetime) -> Sequence[CaseOffer]:
    if not _offers_reader:
        raise RuntimeError("no reader of case offers: is shopdesk.orderview in INSTALLED_APPS?")
    return _offers_reader[0](order, now)


# Called inside the transaction that opened a case, with the case and who opened it: the desk subscribes
# at start-up and opens a ticket for it (this layer sits below the desk, so it only calls back).
CaseOpenedListener = Callable[[Case, Actor], object]
_case_opened_listeners: list[CaseOpenedListener] = []


def case_opened_subscribe(listener: CaseOpenedListener) -> CaseOpenedListener:
    if listener not in _case_opened_listeners:
        _case_opened_listeners.append(listener)
    return listener


def case_reference_new() -> str:
    return "CS-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def case_eligibility(
    *,
    order: Order,
    shipment_id: int,
    kind: str,
    now: dt.datetime | None = None,
    offers: Sequence[CaseOffer] | None = None,
) -> Eligibility:
    """Allowed when a diagnosis of that package offers this kind of case (or one is open already)."""
    if kind not in CaseKind.values:
        return Eligibility.no("case_kind_unknown", "We can open a carrier inquiry or an investigation.")
    if not Shipment.objects.filter(pk=shipment_id, order=order).exists():
        return Eligibility.no("shipment_unknown", "This order has no such package.")
    if Case.objects.filter(shipment_id=shipment_id, kind=kind, status=CaseStatus.OPEN).exists():
        return Eligibility.yes(code="case_already_open")
    if offers is None:
        offers = case_offers(order=order, now=now or timezone.now())
    if any(offer.kind == kind and offer.shipment_id == shipment_id for offer in offers):
        return Eligibility.yes()
    label = CaseKind(kind).label.lower()
    return Eligibility.no(
        "case_not_needed",
        f"There is no need for {'an' if label[0] in 'aeiou' else 'a'} {label} yet: the package is moving as "
        "expected. The order page says when that changes.",
    )


def case_open(
    *, order: Order, shipment_id: int, kind: str, actor: Actor, note: str = "", now: dt.datetime | None = None
) -> CaseOpened:
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the package so two requests decide one after the other (a no-op lock on SQLite's IMMEDIATE).
        shipment = Shipment.objects.select_for_update().filter(pk=shipment_id, order=order).first()
        if shipment is None:
            raise NotFound("This order has no such package.")
        existing = Case.objects.filter(shipment=shipment, kind=kind, status=CaseStatus.OPEN).first()
        if existing is not None:
            return CaseOpened(existing, created=False)
        offers = case_offers(order=order, now=now)
        case_eligibility(order=order, shipment_id=shipment_id, kind=kind, now=now, offers=offers).require()
        reason = next(
            (offer.reason for offer in offers if offer.kind == kind and offer.shipment_id == shipment_id),
            kind,
        )
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    case = Case.objects.create(
                        reference=case_reference_new(),
                        kind=kind,
                        order=order,
                        shipment=shipment,
                        status=CaseStatus.OPEN,
                        reason=reason,
                        opened_at=now,
                        opened_by_kind=actor.kind,
                        opened_by_label=actor.label[:254],
                        notes=note[:2000],
                    )
                break
            except IntegrityError:
                # Either a reference collision (retry) or a concurrent open of the same case (return it).
                existing = Case.objects.filter(shipment=shipment, kind=kind, status=CaseStatus.OPEN).first()
                if existing is not None:
                    return CaseOpened(existing, created=False)
        else:  # pragma: no cover - 31**6 references make five collisions in a row practically impossible
            raise RuntimeError("could not allocate a case reference")
        order_event_record(
            order=order,
            kind=OrderEventKind.CASE_OPENED,
            actor=actor,
            at=now,
            message=f"{CaseKind(kind).label} {case.reference} opened for package {shipment.tracking_number}.",
            after={"reference": case.reference, "kind": kind, "shipment": shipment.pk, "reason": reason},
        )
        for listener in _case_opened_listeners:
            listener(case, actor)
    return CaseOpened(case, created=True)
