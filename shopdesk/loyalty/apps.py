from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    name = "shopdesk.loyalty"
    label = "loyalty"
    verbose_name = "Points"
