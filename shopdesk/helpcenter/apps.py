from django.apps import AppConfig


class HelpcenterConfig(AppConfig):
    name = "shopdesk.helpcenter"
    label = "helpcenter"
    verbose_name = "Help center"
