"""The assistant's models live with the conversations; Django finds them here."""

from shopdesk.assistant.conversations.models import Conversation, Turn

__all__ = ["Conversation", "Turn"]
