"""Which cases the diagnoses of an order offer: what `open_case` is allowed to open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from shopdesk.orders.models import Order
from shopdesk.orderview.diagnoses.types import Diagnosis
from shopdesk.selfservice.cases import CaseOffer


def case_offers_from(diagnoses: Iterable[Diagnosis]) -> tuple[CaseOffer, ...]:
    return tuple(
        CaseOffer(shipment_id=action.shipment_id, kind=action.case_kind, reason=diagnosis.code)
        for diagnosis in diagnoses
        for action in diagnosis.actions
        if action.action == "open_case" and action.shipment_id is not None
    )


def order_case_offers(order: Order, now: dt.datetime) -> tuple[CaseOffer, ...]:
    from shopdesk.orderview.builder import order_page  # the builder lists actions, which read this

    return case_offers_from(order_page(order=order, now=now, with_actions=False).diagnoses)
