from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "shopdesk.webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The one hook: every order event row written by shopdesk/orders/events.py passes through
        # webhook_events_publish inside the same transaction (orders sits below this layer).
        from shopdesk.orders.events import order_event_listener_set
        from shopdesk.webhooks.services.events import webhook_events_publish

        order_event_listener_set(webhook_events_publish)
