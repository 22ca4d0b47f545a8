"""Service levels: when a ticket's first response and resolution fall due, and how each stands now.

Targets come from the policy (`desk.service_levels`, by priority) and count business hours only
(`store.business_hours`). The due moments are kept on the ticket (set when it opens and when its
priority changes) so the "breaching" inbox is one indexed query; the state is worked out when shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q

from shopdesk.core.business_hours import business_time_add, business_time_between
from shopdesk.desk.enums import ACTIVE_STATUSES
from shopdesk.policy import get_policy

if TYPE_CHECKING:
    from shopdesk.desk.models import Ticket


class SlaStatus:
    NONE = "none"  # no target (a closed or merged ticket that never had one)
    OK = "ok"  # due later, plenty of time left
    AT_RISK = "at_risk"  # due soon: less than the policy's share of the target is left
    BREACHED = "breached"  # past due and not done, or done late
    MET = "met"  # done in time


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
        return SlaStatus.OK if SlaStatus.OK in statuses else SlaStatus.MET


def _hours(value: Decimal) -> dt.timedelta:
    return dt.timedelta(seconds=int(value * 3600))


def sla_targets(priority: str) -> tuple[dt.timedelta, dt.timedelta]:
    """(first response, resolution) in business time for a priority."""
    level = get_policy().desk.service_levels[priority]  # type: ignore[index]
    return _hours(level.first_response_hours), _hours(level.resolution_hours)


def sla_due(*, opened_at: dt.datetime, priority: str) -> tuple[dt.datetime, dt.datetime]:
    """(first response due, resolution due) for a ticket opened at `opened_at` with `priority`."""
    first, resolve = sla_targets(priority)
    hours = get_policy().store.business_schedule()
    return business_time_add(opened_at, first, hours), business_time_add(opened_at, resolve, hours)


def _clock(
    *,
    target: dt.timedelta,
    due_at: dt.datetime | None,
    done_at: dt.datetime | None,
    now: dt.datetime,
    running: bool,
) -> SlaClock:
    if due_at is None:
        return SlaClock(SlaStatus.NONE, None)
    if done_at is not None:
        return SlaClock(SlaStatus.MET if done_at <= due_at else SlaStatus.BREACHED, due_at, done_at)
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
    running = ticket.status in ACTIVE_STATUSES
    resolved_at = None if running else ticket.solved_at
    return TicketSla(
        first_response=_clock(
            target=first,
            due_at=ticket.first_response_due_at,
            done_at=ticket.first_response_at,
            now=now,
            running=running,
        ),
        resolution=_clock(
            target=resolve, due_at=ticket.resolution_due_at, done_at=resolved_at, now=now, running=running
        ),
    )


def breaching_q(*, now: dt.datetime) -> Q:
    """Active tickets past a due moment: no first response in time, or not resolved in time."""
    return Q(status__in=ACTIVE_STATUSES) & (
        Q(first_response_at__isnull=True, first_response_due_at__lt=now) | Q(resolution_due_at__lt=now)
    )
