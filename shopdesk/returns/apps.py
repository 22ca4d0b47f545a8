from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "shopdesk.returns"
    label = "returns"
    verbose_name = "Returns"
