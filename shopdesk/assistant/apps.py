"""Django app configuration for the assistant."""

from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "shopdesk.assistant"
    label = "assistant"
    verbose_name = "Assistant"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The help-center search ranks with the assistant's sentence encoder too (loaded lazily).
        from shopdesk.assistant.nlu.help_search import install_help_search

        install_help_search()

        # A person's reply on the ticket of a handed-over chat is shown in that chat.
        from shopdesk.assistant.conversations.desk_replies import on_public_reply
        from shopdesk.desk.signals import public_reply_sent

        public_reply_sent.connect(on_public_reply, dispatch_uid="assistant-desk-reply")
