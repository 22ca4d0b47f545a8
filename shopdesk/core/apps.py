from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shopdesk.core"
    label = "core"
    verbose_name = "Core"
