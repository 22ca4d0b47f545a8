"""Service levels: when a ticket's first response and resolution fall due, and how each stands now.

Targets come from the policy (`desk.service_levels`, by priority) and count business hours only
(`store.business_hours`). The due moments are kept on the ticket (set when it opens and when its
priority changes) so the "breaching" inbox is one indexed query; the state is worked out when shown.
The clocks stop while a ticket is pending the customer: the time spent there (from the ticket's status
events) is taken out, and the due moments move on when the ticket comes back (`sla_due_for_ticket`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q

from shopdesk.core.business_hours import Interval, business_time_add, business_time_between
from shopdesk.desk.enums import SLA_PAUSED_STATUSES, SLA_RUNNING_STATUSES, TicketEventKind
from shopdesk.policy import get_policy

if TYPE_CHECKING:
    from shopdesk.desk.models import Ticket


class SlaStatus:
    NONE = "none"  # no target (a closed or merged ticket that never had one)
    OK = "ok"  # due later, plenty of time left
    AT_RISK = "at_risk"  # due soon: less than the policy's share of the target is left
    BREACHED = "breached"  # past due and not done, or done late
    MET = "met"  # done in time
    PAUSED = "paused"  # waiting for the customer: the clock stands still


@dataclass(frozen=True, slots=True)
class SlaClock:
    status: str
    due_at: dt.datetime | None
    done_at: dt.datetime | None = None
    # Business time left (negative: overdue); None once done.
    left: dt.timedelta | None = None


@dataclass(frozen=True, slots=True)
class TicketSla:
    first_response: SlaClock
    resolution: SlaClock

    @property
    def worst(self) -> str:
        statuses = {self.first_response.status, self.resolution.status}
        for status in (SlaStatus.BREACHED, SlaStatus.AT_RISK):
            if status in statuses:
                return status
        for status in (SlaStatus.PAUSED, SlaStatus.OK):
            if status in statuses:
                return status
        return SlaStatus.MET


def _hours(value: Decimal) -> dt.timedelta:
    return dt.timedelta(seconds=int(value * 3600))


def sla_targets(priority: str) -> tuple[dt.timedelta, dt.timedelta]:
    """(first response, resolution) in business time for a priority."""
    level = get_policy().desk.service_levels[priority]  # type: ignore[index]
    return _hours(level.first_response_hours), _hours(level.resolution_hours)


def sla_due(
    *, opened_at: dt.datetime, priority: str, paused: list[Interval] | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """(first response due, resolution due) for a ticket opened at `opened_at` with `priority`, the
    clocks standing still during `paused`."""
    first, resolve = sla_targets(priority)
    hours = get_policy().store.business_schedule()
    stops = paused or []
    return (
        business_time_add(opened_at, first, hours, stops),
        business_time_add(opened_at, resolve, hours, stops),
    )


def paused_intervals(
    status_changes: list[tuple[dt.datetime, str, str]], *, until: dt.datetime
) -> list[Interval]:
    """The intervals a ticket spent in a paused status, from its status changes (moment, before, after)
    in time order; a pause still going ends at `until`."""
    intervals: list[Interval] = []
    began: dt.datetime | None = None
    for at, before, after in status_changes:
        if after in SLA_PAUSED_STATUSES and began is None:
            began = at
        elif before in SLA_PAUSED_STATUSES and after not in SLA_PAUSED_STATUSES and began is not None:
            intervals.append((began, at))
            began = None
    if began is not None and began < until:
        intervals.append((began, until))
    return intervals


def ticket_paused_intervals(ticket: Ticket, *, until: dt.datetime) -> list[Interval]:
    """The ticket's pauses, read from its status events (one query)."""
    rows = ticket.events.filter(kind=TicketEventKind.STATUS_CHANGED).order_by("created_at", "id")
    changes = list(rows.values_list("created_at", "before", "after"))
    if ticket.status in SLA_PAUSED_STATUSES and not changes:
        changes = [(ticket.created_at, "", ticket.status)]  # opened as pending: paused from the start
    return paused_intervals(changes, until=until)


def sla_due_for_ticket(ticket: Ticket, *, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The ticket's due moments with every pause so far taken out (after a pause, or a new priority)."""
    return sla_due(
        opened_at=ticket.created_at,
        priority=ticket.priority,
        paused=ticket_paused_intervals(ticket, until=now),
    )


def _clock(
    *,
    target: dt.timedelta,
    due_at: dt.datetime | None,
    done_at: dt.datetime | None,
    now: dt.datetime,
    running: bool,
    paused: bool = False,
) -> SlaClock:
    if due_at is None:
        return SlaClock(SlaStatus.NONE, None)
    if done_at is not None:
        return SlaClock(SlaStatus.MET if done_at <= due_at else SlaStatus.BREACHED, due_at, done_at)
    if paused:
        # The due moment moves on when the ticket comes back; until then it is not shown as one.
        return SlaClock(SlaStatus.PAUSED, None)
    if not running:
        return SlaClock(SlaStatus.NONE, due_at)
    hours = get_policy().store.business_schedule()
    if now >= due_at:
        return SlaClock(SlaStatus.BREACHED, due_at, left=-business_time_between(due_at, now, hours))
    left = business_time_between(now, due_at, hours)
    share = get_policy().desk.at_risk_share
    status = SlaStatus.AT_RISK if left < target * float(share) else SlaStatus.OK
    return SlaClock(status, due_at, left=left)


def ticket_sla(ticket: Ticket, *, now: dt.datetime) -> TicketSla:
    """How the ticket stands against its targets at `now`."""
    first, resolve = sla_targets(ticket.priority)
    paused = ticket.status in SLA_PAUSED_STATUSES
    running = ticket.status in SLA_RUNNING_STATUSES
    resolved_at = None if running or paused else ticket.solved_at
    return TicketSla(
        first_response=_clock(
            target=first,
            due_at=ticket.first_response_due_at,
            done_at=ticket.first_response_at,
            now=now,
            running=running,
            paused=paused,
        ),
        resolution=_clock(
            target=resolve,
            due_at=ticket.resolution_due_at,
            done_at=resolved_at,
            now=now,
            running=running,
            paused=paused,
        ),
    )


def breaching_q(*, now: dt.datetime) -> Q:
    """Running tickets past a due moment: no first response in time, or not resolved in time (a ticket
    pending the customer is not late while it waits)."""
    return Q(status__in=SLA_RUNNING_STATUSES) & (
        Q(first_response_at__isnull=True, first_response_due_at__lt=now) | Q(resolution_due_at__lt=now)
    )
