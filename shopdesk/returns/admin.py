"""Returns in the admin: read-only rows; the only change, approving a pending return, goes through the service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError
from shopdesk.returns.models import ReturnEvent, ReturnLine, ReturnRequest
from shopdesk.returns.services import return_decide


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "order_line",
        "quantity",
        "reason",
        "resolution",
        "outcome",
        "deduction",
        "outcome_reason",
    )


class ReturnEventInline(admin.TabularInline):
    model = ReturnEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "kind", "from_status", "to_status", "actor_label", "message")


def _decide(request: HttpRequest, queryset: QuerySet[ReturnRequest], *, approve: bool) -> None:
    actor = Actor.agent(request.user.get_username(), "lead")
    for found in queryset:
        try:
            return_decide(return_request=found, actor=actor, approve=approve)
        except DomainError as error:
            messages.error(request, f"{found.rma}: {error.message}")


@admin.action(description="Approve the selected returns")
def approve(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
    _decide(request, queryset, approve=True)


@admin.action(description="Refuse the selected returns")
def refuse(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
    _decide(request, queryset, approve=False)


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = ["rma", "order", "status", "method", "created_at"]
    list_filter = ["status", "method"]
    search_fields = ["rma", "order__number"]
    readonly_fields = [
        "rma",
        "order",
        "status",
        "method",
        "origin_warehouse",
        "requested_by",
        "created_at",
        "received_at",
        "inspected_at",
    ]
    exclude = ["created_result", "inspection_result"]
    inlines = [ReturnLineInline, ReturnEventInline]
    actions = [approve, refuse]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
