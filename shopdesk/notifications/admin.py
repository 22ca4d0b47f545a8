"""Admin for the outbox: read-only rows, so an operator can see and retry, never rewrite, what was sent."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from shopdesk.notifications.enums import OutboxStatus
from shopdesk.notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "template", "to", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["to", "order__number", "subject"]
    raw_id_fields = ["order"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry_now"]

    @admin.action(description="Retry the selected failed messages now")
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = queryset.filter(status=OutboxStatus.DEAD).update(
            status=OutboxStatus.QUEUED, next_attempt_at=timezone.now(), attempts=0
        )
        self.message_user(request, f"{count} message(s) queued again.")
