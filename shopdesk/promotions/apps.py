from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "shopdesk.promotions"
    label = "promotions"
    verbose_name = "Promotions"
