from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "shopdesk.returns"
    label = "returns"
    verbose_name = "Returns"

    def ready(self) -> None:
        # The shipping layer below calls this when a package ships: the exchange order's first package
        # sends the return's "exchange shipped" email (shipping cannot import returns).
        from shopdesk.returns.exchange import return_exchange_package_shipped
        from shopdesk.shipping.services.notices import shipment_shipped_listener_set

        shipment_shipped_listener_set(return_exchange_package_shipped)
        # And payments calls this when a refund succeeds: a refunded return whose refunds have all gone
        # through closes (docs/decisions/0034).
        from shopdesk.payments.services.status import refund_succeeded_listener_set
        from shopdesk.returns.closing import return_close_on_refund_succeeded

        refund_succeeded_listener_set(return_close_on_refund_succeeded)
