from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "shopdesk.desk"
    label = "desk"
    verbose_name = "Desk"
