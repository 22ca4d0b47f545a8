"""Admin for assistant conversations: the transcript (escaped) and the handoff record, read only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from shopdesk.assistant.conversations.models import Conversation


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "last_intent", "order_number", "handed_over", "handoff_reason"]
    list_filter = ["handed_over", "handoff_reason"]
    search_fields = ["order_number", "email"]
    exclude = ["step", "pending_action", "offered"]
    readonly_fields = [
        "order_number",
        "email",
        "access_session_id",
        "last_intent",
        "unsure_count",
        "tried",
        "handed_over",
        "handoff_reason",
        "handoff",
        "handed_over_at",
        "transcript",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Transcript")
    def transcript(self, conversation: Conversation) -> SafeString:
        # Every piece of text goes through format_html: a message is shown as the customer typed it,
        # never run as markup.
        rows = []
        for turn in conversation.turns.all():
            said = turn.text or (f"[{turn.button}]" if turn.button else "")
            replies = " ".join(reply.get("text", "") for reply in turn.replies)
            rows.append((turn.get_speaker_display(), said or replies))
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))
