"""Admin for customer sessions: see who is signed in and revoke a session (tokens are never shown)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shopdesk.access.models import CustomerSession, MagicLink
from shopdesk.access.selectors import access_forget
from shopdesk.access.services import session_revoke


@admin.register(CustomerSession)
class CustomerSessionAdmin(admin.ModelAdmin):
    list_display = ["email", "order_number", "origin", "created_at", "expires_at", "revoked_at"]
    list_filter = ["origin"]
    search_fields = ["email", "order_number"]
    exclude = ["token_hash"]
    readonly_fields = ["email", "order_number", "origin", "created_at", "expires_at"]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected sessions")
    def revoke(self, request: HttpRequest, queryset: QuerySet[CustomerSession]) -> None:
        for session_id in queryset.values_list("pk", flat=True):
            session_revoke(session_id=session_id)

    def save_model(self, request: HttpRequest, obj: CustomerSession, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Sessions are cached for a minute: forget this one so an edit (a revocation) applies at once.
        access_forget(session_id=obj.pk, token_hash_value=obj.token_hash)


@admin.register(MagicLink)
class MagicLinkAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "expires_at", "used_at"]
    search_fields = ["email"]
    exclude = ["token_hash"]
    readonly_fields = ["email", "created_at", "expires_at", "used_at"]
