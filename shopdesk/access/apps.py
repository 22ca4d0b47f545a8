from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "shopdesk.access"
    label = "access"
    verbose_name = "Customer access"
