"""Admin for webhooks: endpoints (added through the service, so the secret is made and shown once),
a notice for every endpoint the worker disabled, and a read-only delivery log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from shopdesk.core.errors import DomainError
from shopdesk.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from shopdesk.webhooks.services.endpoints import (
    endpoint_create,
    endpoint_enable,
    endpoint_secret_rotate,
    events_check,
)
from shopdesk.webhooks.ssrf import url_check


class EndpointForm(forms.ModelForm):
    events_text = forms.CharField(
        label="Events", help_text="Comma-separated event types (see docs/webhooks.md), or * for all."
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["events_text"].initial = ",".join(self.instance.events)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["id", "url", "enabled", "disabled_reason", "created_at"]
    list_filter = ["enabled"]
    readonly_fields = ["disabled_reason", "disabled_at", "created_at"]
    actions = ["rotate_secret", "enable"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The notice: an endpoint the worker gave up on says so on every visit until it is enabled again.
        for endpoint in WebhookEndpoint.objects.filter(enabled=False).exclude(disabled_reason=""):
            messages.warning(
                request, f"Webhook endpoint {endpoint.pk} ({endpoint.url}): {endpoint.disabled_reason}"
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool) -> None:
        events = form.cleaned_data["events_text"].split(",")
        try:
            if change:
                obj.url = url_check(obj.url)
                obj.events = events_check(events)
                obj.save()
                return
            created = endpoint_create(url=obj.url, events=events, description=obj.description)
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = created.endpoint.pk
        messages.warning(request, f"Signing secret of endpoint {obj.pk} (shown once): {created.secret}")

    @admin.action(description="Rotate the signing secret (the old one signs for the overlap window)")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            rotated = endpoint_secret_rotate(endpoint_id=endpoint.pk)
            messages.warning(request, f"New secret of endpoint {endpoint.pk} (shown once): {rotated.secret}")

    @admin.action(description="Enable the selected endpoints again")
    def enable(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            endpoint_enable(endpoint_id=endpoint.pk)
        self.message_user(request, f"{queryset.count()} endpoint(s) enabled.")


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "status_code", "response_ms", "response_body", "error"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at"]
    list_filter = ["status", "endpoint"]
    search_fields = ["event__public_id", "event__type"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [AttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
