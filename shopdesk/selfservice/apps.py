from django.apps import AppConfig


class SelfServiceConfig(AppConfig):
    name = "shopdesk.selfservice"
    label = "selfservice"
    verbose_name = "Self-service actions"

    def ready(self) -> None:
        # Registration happens here, once, before any request: every interface sees the same registry.
        from shopdesk.selfservice import actions  # noqa: F401
