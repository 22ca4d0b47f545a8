from django.apps import AppConfig


class SelfServiceConfig(AppConfig):
    name = "shopdesk.selfservice"
    label = "selfservice"
    verbose_name = "Self-service actions"

    def ready(self) -> None:
        # Registration happens here, once, before any request: every interface sees the same registry.
        from shopdesk.payments.services.verification import verification_cancel_set
        from shopdesk.selfservice import actions  # noqa: F401
        from shopdesk.selfservice.verification_cancel import cancel_for_verification

        # A failed or expired payment check cancels the order, a layer above payments (decision 0018).
        verification_cancel_set(cancel_for_verification)
