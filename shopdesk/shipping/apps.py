from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "shopdesk.shipping"
    label = "shipping"
    verbose_name = "Shipping"
