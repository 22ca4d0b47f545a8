"""A package's journey as tracking events: a realistic route from the warehouse to the door, cut off
or bent to fit its scenario (in transit, late, stale, lost, held at customs, returned to sender...).

All times are relative to the anchor; the policy's thresholds (stale, lost, late grace, label
activation) decide how old the last scan is, so each scenario really is what it says.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from shopdesk.demo.places import COUNTRIES, ORIGIN_HUBS, US_REGIONAL_HUBS, WAREHOUSE_TOWNS
from shopdesk.policy.schema import Policy, ShippingMethod
from shopdesk.shipping.enums import TrackingStatus as T

DUTIES_PLACEHOLDER = "{duties}"
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Stop:
    status: str
    location: str
    description: str


@dataclass(slots=True)
class Journey:
    label_at: dt.datetime
    events: list[tuple[dt.datetime, Stop]] = field(default_factory=list)

    def add(self, at: dt.datetime, stop: Stop) -> None:
        """Append a scan, never before the previous one (carriers' scans only move forward)."""
        if self.events:
            at = max(at, self.events[-1][0] + dt.timedelta(minutes=7))
        self.events.append((at.replace(microsecond=0), stop))

    def extend(self, events: list[tuple[dt.datetime, Stop]]) -> None:
        for at, stop in events:
            self.add(at, stop)

    @property
    def last(self) -> tuple[dt.datetime, Stop]:
        return self.events[-1]

    @property
    def shipped_at(self) -> dt.datetime | None:
        return next((at for at, stop in self.events if stop.status == T.PICKED_UP), None)

    @property
    def delivered_at(self) -> dt.datetime | None:
        at, stop = self.last
        return at if stop.status == T.DELIVERED else None


@dataclass(frozen=True, slots=True)
class Route:
    """The happy path of one package: label, pickup, transit stops, out for delivery, delivered."""

    label: Stop
    pickup: Stop
    transit: tuple[Stop, ...]  # ends at the delivery station of the destination city
    out_for_delivery: Stop
    delivered: Stop
    gateway: str  # where the parcel enters the destination country ("" when domestic)
    door: str


def _hours(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(minutes=round(rng.uniform(low, high) * 60))


def route_for(
    *,
    warehouse: str,
    warehouse_country: str,
    carrier_code: str,
    carrier_name: str,
    country: str,
    city: str,
    region: str,
) -> Route:
    town = WAREHOUSE_TOWNS.get(warehouse, warehouse)
    hub = ORIGIN_HUBS.get((warehouse, carrier_code), f"{carrier_name} hub near {town}")
    door = ", ".join(part for part in (city, region, country) if part)
    transit = [Stop(T.IN_TRANSIT, hub, f"Departed {carrier_name} facility")]
    gateway = ""
    if country != warehouse_country:
        place = COUNTRIES[country].gateway if country in COUNTRIES else "International gateway"
        gateway = f"{place}, {country}"
        transit.append(Stop(T.IN_TRANSIT, gateway, f"Arrived in the destination country ({country})"))
        transit.append(Stop(T.IN_TRANSIT, gateway, "Cleared customs"))
    elif country == "US" and region in US_REGIONAL_HUBS:
        transit.append(Stop(T.IN_TRANSIT, f"{US_REGIONAL_HUBS[region]}, US", "Arrived at regional facility"))
    transit.append(Stop(T.IN_TRANSIT, door, "Arrived at the local delivery station"))
    return Route(
        label=Stop(
            T.LABEL_CREATED, town, f"Shipping label created: {carrier_name} is waiting for the parcel"
        ),
        pickup=Stop(T.PICKED_UP, town, f"Picked up by {carrier_name}"),
        transit=tuple(transit),
        out_for_delivery=Stop(T.OUT_FOR_DELIVERY, door, "Out for delivery"),
        delivered=Stop(T.DELIVERED, door, "Delivered: left at the front door"),
        gateway=gateway,
        door=door,
    )


def _spread(
    start: dt.datetime, end: dt.datetime, stops: tuple[Stop, ...] | list[Stop], rng: random.Random
) -> list[tuple[dt.datetime, Stop]]:
    """Stops at increasing times strictly between start and end."""
    if not stops:
        return []
    span = (end - start) / (len(stops) + 1)
    events = []
    for index, stop in enumerate(stops, start=1):
        jitter = span * rng.uniform(-0.3, 0.3)
        events.append((start + span * index + jitter, stop))
    return events


class JourneyPlanner:
    """Builds a Journey for a scenario, with the policy's thresholds."""

    def __init__(self, *, policy: Policy, anchor: dt.datetime, rng: random.Random) -> None:
        self.policy = policy
        self.anchor = anchor
        self.rng = rng
        shipping = policy.shipping
        self.stale = shipping.stale_tracking_days
        self.lost = shipping.lost_after_days
        self.grace = shipping.late_grace_days
        self.activation = shipping.label_activation_hours

    def _transit_time(self, method: ShippingMethod) -> dt.timedelta:
        low = max(method.transit_days_min, 1)
        high = max(method.transit_days_max, low)
        return _hours(self.rng, low * 24, high * 24)

    def _start(self, route: Route, shipped_at: dt.datetime) -> Journey:
        shipped_at = shipped_at.replace(microsecond=0)
        label_at = shipped_at - _hours(self.rng, 2, 20)
        return Journey(label_at=label_at, events=[(label_at, route.label), (shipped_at, route.pickup)])

    def plan(
        self,
        scenario: str,
        *,
        route: Route,
        method: ShippingMethod,
        carrier_name: str,
        rts_reason: str,
        delivered_age_days: float,
        hold_days: int,
    ) -> Journey:
        rng, now = self.rng, self.anchor
        if scenario == "label_only":
            label_at = now - _hours(rng, 1, max(self.activation - 2, 1.5))
            return Journey(label_at=label_at, events=[(label_at, route.label)])
        if scenario == "delivered":
            delivered_at = now - _hours(rng, delivered_age_days * 24, delivered_age_days * 24 + 6)
            shipped_at = delivered_at - self._transit_time(method)
            return self._through(route, shipped_at, delivered_at, final=route.delivered)
        if scenario == "out_for_delivery":
            eta = now + _hours(rng, 2, 8)
            shipped_at = eta - self._transit_time(method)
            journey = self._through(route, shipped_at, eta, final=None)
            journey.add(now - _hours(rng, 0.5, 3), route.out_for_delivery)
            return journey
        if scenario == "attempted":
            attempt_at = now - _hours(rng, 3, 40)
            shipped_at = attempt_at - self._transit_time(method)
            note = f"Delivery attempted: nobody was at the address. A notice was left; {carrier_name} will try again."
            journey = self._through(route, shipped_at, attempt_at, final=None)
            journey.add(attempt_at - _hours(rng, 2, 5), route.out_for_delivery)
            journey.add(attempt_at, Stop(T.DELIVERY_ATTEMPTED, route.door, note))
            return journey
        if scenario == "returned":
            return self._returned(route, method, rts_reason, hold_days)
        if scenario == "customs":
            hold_at = now - _hours(rng, 3, 40)
            shipped_at = hold_at - _hours(rng, 24, max(method.transit_days_max * 12, 30))
            journey = self._start(route, shipped_at)
            stops = [stop for stop in route.transit if stop.description != "Cleared customs"][:2]
            journey.extend(_spread(shipped_at, hold_at, stops, rng))
            # The amount is filled in once the order is priced (see DUTIES_PLACEHOLDER).
            note = (
                f"Held at customs: import duties and taxes of {DUTIES_PLACEHOLDER} must be paid before "
                f"delivery; {carrier_name} will contact the recipient."
            )
            journey.add(hold_at, Stop(T.HELD_AT_CUSTOMS, route.gateway or route.door, note))
            return journey
        if scenario in ("stale", "lost"):
            if scenario == "stale":
                last_scan = now - _hours(
                    rng, (self.stale + 0.5) * 24, max(self.lost - 0.5, self.stale + 1) * 24
                )
            else:
                last_scan = now - _hours(rng, (self.lost + 1) * 24, (self.lost + 25) * 24)
            shipped_at = last_scan - _hours(rng, 12, 48)
            journey = self._start(route, shipped_at)
            journey.extend(_spread(shipped_at, last_scan, route.transit[:1], rng))
            journey.add(last_scan, Stop(T.IN_TRANSIT, route.transit[0].location, "Processed at facility"))
            return journey
        if scenario == "late":
            days_late = rng.uniform(1.5, 4)
            shipped_at = now - dt.timedelta(days=method.transit_days_max + self.grace + days_late)
            last_scan = now - _hours(rng, 2, 20)
            journey = self._start(route, shipped_at)
            journey.extend(_spread(shipped_at, last_scan, route.transit[:-1] or route.transit, rng))
            journey.add(
                last_scan,
                Stop(
                    T.IN_TRANSIT,
                    route.transit[-1].location,
                    "Delayed: the parcel is running later than planned",
                ),
            )
            return journey
        # in_transit: moving, recent scans, not yet due
        transit_time = self._transit_time(method)
        shipped_at = now - transit_time * rng.uniform(0.2, 0.7)
        eta = shipped_at + transit_time
        journey = self._through(route, shipped_at, eta, final=None, until=now - _hours(rng, 0.5, 3))
        last_at, last_stop = journey.last
        if now - last_at > dt.timedelta(days=min(2, self.stale - 1)):
            journey.add(
                now - _hours(rng, 2, 20), Stop(T.IN_TRANSIT, last_stop.location, "Processed at facility")
            )
        return journey

    def _through(
        self,
        route: Route,
        shipped_at: dt.datetime,
        end: dt.datetime,
        *,
        final: Stop | None,
        until: dt.datetime | None = None,
    ) -> Journey:
        """Label, pickup and the transit stops spread up to `end`; `final` at `end` when given."""
        journey = self._start(route, shipped_at)
        stops = list(route.transit)
        if final is not None:
            stops.append(route.out_for_delivery)
        events = _spread(shipped_at, end, stops, self.rng)
        if final is not None:
            # Out for delivery is the morning of the delivery day, a few hours before the doorstep.
            events[-1] = (end - _hours(self.rng, 1, 5), route.out_for_delivery)
            events.append((end, final))
        if until is not None:
            events = [event for event in events if event[0] <= until]
        journey.extend(events)
        return journey

    def _returned(self, route: Route, method: ShippingMethod, reason: str, hold_days: int) -> Journey:
        rng, now = self.rng, self.anchor
        back_at = now - _hours(rng, 24, 10 * 24)
        if reason == "unclaimed":
            wait = dt.timedelta(days=max(hold_days, 1))
            attempt_at = back_at - wait - _hours(rng, 2, 24)
            journey = self._through(route, attempt_at - self._transit_time(method), attempt_at, final=None)
            journey.add(attempt_at - _hours(rng, 2, 5), route.out_for_delivery)
            journey.add(
                attempt_at,
                Stop(T.DELIVERY_ATTEMPTED, route.door, "Delivery attempted: nobody was at the address"),
            )
            journey.add(
                attempt_at + _hours(rng, 3, 8),
                Stop(T.AVAILABLE_FOR_PICKUP, route.door, "Waiting at the local pickup point"),
            )
            description = f"Returned to sender: unclaimed after {hold_days} days at the pickup point"
        else:
            problem_at = back_at - _hours(rng, 24, 72)
            journey = self._through(route, problem_at - self._transit_time(method), problem_at, final=None)
            journey.add(problem_at - _hours(rng, 2, 5), route.out_for_delivery)
            if reason == "refused":
                problem = "Delivery refused by the recipient"
                description = "Returned to sender: refused by the recipient"
            else:
                problem = "Address not found: the carrier could not locate the street address"
                description = "Returned to sender: address not found"
            journey.add(problem_at, Stop(T.EXCEPTION, route.door, problem))
        origin = route.pickup.location
        journey.add(back_at, Stop(T.RETURNED_TO_SENDER, origin, description))
        return journey
