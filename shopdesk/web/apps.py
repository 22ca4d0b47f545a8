from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "shopdesk.web"
    label = "web"
    verbose_name = "Customer pages"
