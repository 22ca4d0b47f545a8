"""Returns in the admin: read-only rows; the only change, approving a pending return, goes through the service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError
from shopdesk.returns.models import ReturnEvent, ReturnLine, ReturnPhoto, ReturnRequest, ReturnTrackingScan
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


class ReturnPhotoInline(admin.TabularInline):
    """Each photo opens through the access-checked view (a desk agent or a superuser), never the storage."""

    model = ReturnPhoto
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "content_type", "size", "uploaded_by", "open_photo")

    @admin.display(description="Photo")
    def open_photo(self, photo: ReturnPhoto) -> str:
        url = reverse(
            "portal:return_photo",
            args=[photo.return_request.order.number, photo.return_request.rma, photo.storage_key],
        )
        return format_html('<a href="{}" target="_blank" rel="noopener">Open</a>', url)


class ReturnTrackingScanInline(admin.TabularInline):
    model = ReturnTrackingScan
    extra = 0
    can_delete = False
    fields = readonly_fields = ("occurred_at", "status", "location", "description")


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
        "tracking_carrier",
        "tracking_number",
        "tracking_added_at",
    ]
    exclude = ["created_result", "inspection_result"]
    inlines = [ReturnLineInline, ReturnPhotoInline, ReturnTrackingScanInline, ReturnEventInline]
    actions = [approve, refuse]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
