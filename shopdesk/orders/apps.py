from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "shopdesk.orders"
    label = "orders"
    verbose_name = "Orders"
