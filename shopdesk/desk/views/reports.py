"""The reports page (leads and admins): SVG bar charts drawn on the server, each bar a link to the
tickets behind it, and the same figures as CSV."""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shopdesk.core.actors import AgentRole
from shopdesk.core.errors import InvalidInput
from shopdesk.desk.reports import PERIODS, Chart, desk_report, report_rows, report_tickets
from shopdesk.desk.roles import role_at_least
from shopdesk.desk.views.access import desk_agent_required, request_agent

LABEL_WIDTH = 230
BAR_SPACE = 300
ROW_HEIGHT = 26


def _days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    return days if days in PERIODS else 30


def _chart_geometry(chart: Chart, days: int) -> dict[str, Any]:
    """Where each bar goes in the SVG (the largest bar fills the width)."""
    top = max((bar.value for bar in chart.bars), default=0) or 1
    rows = []
    for index, bar in enumerate(chart.bars):
        width = round(BAR_SPACE * bar.value / top)
        href = bar.link
        if bar.metric:
            href = "/desk/reports/tickets?" + urlencode({"metric": bar.metric, "key": bar.key, "days": days})
        rows.append(
            {
                "bar": bar,
                "y": index * ROW_HEIGHT,
                "text_y": index * ROW_HEIGHT + 17,
                "width": max(width, 1 if bar.value else 0),
                "value_x": LABEL_WIDTH + width + 6,
                "href": href,
                "label": bar.label if len(bar.label) <= 32 else bar.label[:31] + "…",
            }
        )
    return {
        "chart": chart,
        "rows": rows,
        "height": max(ROW_HEIGHT * len(rows), ROW_HEIGHT),
        "label_width": LABEL_WIDTH,
        "bar_x": LABEL_WIDTH,
    }


def _lead_only(request: HttpRequest) -> HttpResponse | None:
    if not role_at_least(request_agent(request), AgentRole.LEAD):
        return render(request, "desk/forbidden.html", status=403)
    return None


@require_GET
@desk_agent_required
def reports_page(request: HttpRequest) -> HttpResponse:
    if (refused := _lead_only(request)) is not None:
        return refused
    days = _days(request)
    report = desk_report(days=days)
    return render(
        request,
        "desk/reports.html",
        {
            "report": report,
            "charts": [_chart_geometry(chart, days) for chart in report.charts],
            "periods": PERIODS,
            "deflection_percent": None
            if report.deflection_rate is None
            else round(report.deflection_rate * 100),
            "csat_percent": None if report.csat_score is None else round(report.csat_score * 100),
        },
    )


@require_GET
@desk_agent_required
def reports_csv(request: HttpRequest) -> HttpResponse:
    if (refused := _lead_only(request)) is not None:
        return refused
    days = _days(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="desk-report-{days}-days.csv"'
    writer = csv.writer(response)
    writer.writerow(["chart", "bar", "value"])
    for chart, bar, value in report_rows(desk_report(days=days)):
        # A cell starting with = + - @ would run as a formula in a spreadsheet (queries are typed by visitors).
        writer.writerow([chart, "'" + bar if bar[:1] in "=+-@" else bar, value])
    return response


@require_GET
@desk_agent_required
def report_tickets_page(request: HttpRequest) -> HttpResponse:
    if (refused := _lead_only(request)) is not None:
        return refused
    days = _days(request)
    metric, key = request.GET.get("metric", ""), request.GET.get("key", "")
    try:
        tickets = report_tickets(metric=metric, key=key, days=days)
    except InvalidInput as exc:
        return render(request, "desk/report_tickets.html", {"error": exc.message, "days": days}, status=422)
    page = Paginator(tickets, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "desk/report_tickets.html",
        {"page": page, "metric": metric, "key": key, "days": days, "query": query.urlencode()},
    )
