"""The desk's reports over a period: tickets by topic and channel, self-service against handoffs, service
levels, satisfaction, unanswered help searches and unhelpful articles.

Every bar names a `(metric, value)` pair; `report_tickets` turns that pair back into the tickets behind
the bar, so each chart clicks through to its tickets with the same rule that counted them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from shopdesk.core.actors import ActorKind
from shopdesk.core.errors import InvalidInput
from shopdesk.desk.enums import (
    ACTIVE_STATUSES,
    SLA_RUNNING_STATUSES,
    SatisfactionRating,
    TicketChannel,
    TicketTopic,
)
from shopdesk.desk.models import Ticket, TicketSatisfaction
from shopdesk.helpcenter.models import Article, UnansweredSearch
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import OrderEvent

PERIODS = (7, 30, 90)
# Order events that are an action done by the customer (or the assistant for them): each one a question
# self-service answered without a person.
SELF_SERVICE_EVENTS = (
    OrderEventKind.CANCELLED,
    OrderEventKind.LINES_CANCELLED,
    OrderEventKind.LINE_CHANGED,
    OrderEventKind.SHIPPING_ADDRESS_CHANGED,
    OrderEventKind.BILLING_ADDRESS_CHANGED,
    OrderEventKind.EMAIL_CHANGE_REQUESTED,
    OrderEventKind.EMAIL_RESENT,
    OrderEventKind.CASE_OPENED,
)
SELF_SERVICE_ACTORS = (ActorKind.CUSTOMER, ActorKind.ASSISTANT)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    metric: str = ""  # with `key`, what report_tickets needs to list the tickets behind the bar
    key: str = ""
    link: str = ""  # a link elsewhere when no tickets stand behind the bar


@dataclass
class Chart:
    id: str
    title: str
    bars: list[Bar]
    note: str = ""

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


@dataclass
class Report:
    days: int
    since: dt.datetime
    charts: list[Chart] = field(default_factory=list)
    deflection_rate: float | None = None
    csat_score: float | None = None


def _since(days: int) -> dt.datetime:
    if days not in PERIODS:
        raise InvalidInput("Choose a period of 7, 30 or 90 days.", code="period_invalid")
    return timezone.now() - dt.timedelta(days=days)


def _created(since: dt.datetime) -> QuerySet[Ticket]:
    return Ticket.objects.filter(created_at__gte=since, merged_into__isnull=True)


# What each (metric, key) pair means, as a filter on the tickets created in the period.
def _sla_filter(metric: str, key: str, now: dt.datetime) -> Q:
    if metric == "first_response":
        met = Q(first_response_at__isnull=False, first_response_at__lte=F("first_response_due_at"))
        late = Q(first_response_at__gt=F("first_response_due_at"))
        # A ticket pending the customer is not overdue: its clocks stand still (docs/decisions/0026).
        overdue = Q(
            first_response_at__isnull=True, first_response_due_at__lt=now, status__in=SLA_RUNNING_STATUSES
        )
    else:
        done = ~Q(status__in=ACTIVE_STATUSES) & Q(solved_at__isnull=False)
        met = done & Q(solved_at__lte=F("resolution_due_at"))
        late = done & Q(solved_at__gt=F("resolution_due_at"))
        overdue = Q(status__in=SLA_RUNNING_STATUSES, resolution_due_at__lt=now)
    filters = {"met": met, "late": late, "overdue": overdue}
    if key not in filters:
        raise InvalidInput("Unknown report bar.", code="report_key_invalid")
    return filters[key]


def report_tickets(*, metric: str, key: str, days: int) -> QuerySet[Ticket]:
    """The tickets behind one bar of the report."""
    since = _since(days)
    tickets = _created(since).select_related("assignee", "order")
    if metric == "topic" and key in TicketTopic.values:
        tickets = tickets.filter(topic=key)
    elif metric == "channel" and key in TicketChannel.values:
        tickets = tickets.filter(channel=key)
    elif metric == "handoffs":
        pass  # every ticket opened in the period reached a person
    elif metric in ("first_response", "resolution"):
        tickets = tickets.filter(_sla_filter(metric, key, timezone.now()))
    elif metric == "csat" and key in SatisfactionRating.values:
        tickets = (
            Ticket.objects.filter(satisfaction__rating=key, satisfaction__answered_at__gte=since)
            .select_related("assignee", "order")
            .distinct()
        )
    else:
        raise InvalidInput("Unknown report bar.", code="report_key_invalid")
    return tickets.order_by("-created_at", "-id")


def self_service_resolutions(since: dt.datetime) -> int:
    return OrderEvent.objects.filter(
        created_at__gte=since, kind__in=SELF_SERVICE_EVENTS, actor_kind__in=SELF_SERVICE_ACTORS
    ).count()


def desk_report(*, days: int = 30) -> Report:
    since = _since(days)
    now = timezone.now()
    created = _created(since)
    report = Report(days=days, since=since)

    topics = dict(created.values_list("topic").annotate(n=Count("id")).values_list("topic", "n"))
    report.charts.append(
        Chart(
            "topics",
            "Tickets by topic",
            [Bar(label, topics.get(value, 0), "topic", value) for value, label in TicketTopic.choices],
        )
    )
    channels = dict(created.values_list("channel").annotate(n=Count("id")).values_list("channel", "n"))
    report.charts.append(
        Chart(
            "channels",
            "Tickets by channel",
            [Bar(label, channels.get(value, 0), "channel", value) for value, label in TicketChannel.choices],
        )
    )

    handoffs = created.count()
    solved_alone = self_service_resolutions(since)
    if handoffs + solved_alone:
        report.deflection_rate = solved_alone / (handoffs + solved_alone)
    report.charts.append(
        Chart(
            "deflection",
            "Self-service resolutions and tickets",
            [
                Bar("Solved by self-service", solved_alone),
                Bar("Reached a person (tickets)", handoffs, "handoffs", "all"),
            ],
            note="Self-service counts the customers' own actions on their orders: cancellations, changes, "
            "address fixes, emails resent, cases opened.",
        )
    )

    for metric, title in (
        ("first_response", "First response against SLA"),
        ("resolution", "Resolution against SLA"),
    ):
        counts = {
            key: created.filter(_sla_filter(metric, key, now)).count() for key in ("met", "late", "overdue")
        }
        report.charts.append(
            Chart(
                metric,
                title,
                [
                    Bar("In time", counts["met"], metric, "met"),
                    Bar("Late", counts["late"], metric, "late"),
                    Bar("Overdue now", counts["overdue"], metric, "overdue"),
                ],
            )
        )

    ratings = dict(
        TicketSatisfaction.objects.filter(answered_at__gte=since)
        .exclude(rating="")
        .values_list("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    good, bad = ratings.get(SatisfactionRating.GOOD, 0), ratings.get(SatisfactionRating.BAD, 0)
    if good + bad:
        report.csat_score = good / (good + bad)
    report.charts.append(
        Chart(
            "csat", "Satisfaction (CSAT)", [Bar("Good", good, "csat", "good"), Bar("Bad", bad, "csat", "bad")]
        )
    )

    misses = (
        UnansweredSearch.objects.filter(day__gte=since.date())
        .values("query")
        .annotate(n=Sum("times"))
        .order_by("-n", "query")[:10]
    )
    report.charts.append(
        Chart(
            "unanswered",
            "Help searches with no result",
            [
                Bar(row["query"], row["n"], link="/help/search/?" + urlencode({"q": row["query"]}))
                for row in misses
            ],
            note="Emails and order numbers are masked before a query is kept.",
        )
    )
    unhelpful = (
        Article.objects.filter(votes__helpful=False, votes__created_at__gte=since)
        .annotate(n=Count("votes"))
        .order_by("-n", "title")[:10]
    )
    report.charts.append(
        Chart(
            "unhelpful",
            "Articles voted “not helpful”",
            [Bar(article.title, article.n, link=f"/help/articles/{article.slug}/") for article in unhelpful],
        )
    )
    return report


def report_rows(report: Report) -> list[tuple[str, str, int]]:
    """(chart, bar, value) rows for the CSV export."""
    rows = [(chart.title, bar.label, bar.value) for chart in report.charts for bar in chart.bars]
    if report.deflection_rate is not None:
        rows.append(
            (
                "Deflection rate (%)",
                "self-service / (self-service + tickets)",
                round(report.deflection_rate * 100),
            )
        )
    if report.csat_score is not None:
        rows.append(("CSAT (%)", "good / answered", round(report.csat_score * 100)))
    return rows
