from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "shopdesk.payments"
    label = "payments"
    verbose_name = "Payments"
