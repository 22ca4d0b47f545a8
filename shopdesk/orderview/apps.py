from django.apps import AppConfig


class OrderViewConfig(AppConfig):
    name = "shopdesk.orderview"
    label = "orderview"
    verbose_name = "Order view"

    def ready(self) -> None:
        # Self-service sits below this package: it asks for case offers through the reader handed over here.
        from shopdesk.orderview.case_offers import order_case_offers
        from shopdesk.selfservice.cases import case_offers_provide

        case_offers_provide(order_case_offers)
