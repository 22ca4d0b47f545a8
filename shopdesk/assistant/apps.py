"""Django app configuration for the assistant."""

from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "shopdesk.assistant"
    label = "assistant"
    verbose_name = "Assistant"
    default_auto_field = "django.db.models.BigAutoField"
