from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "shopdesk.demo"
    label = "demo"
    verbose_name = "Demo store"
