from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class PolicyConfig(AppConfig):
    name = "shopdesk.policy"
    label = "policy"
    verbose_name = "Store policy"

    def ready(self) -> None:
        # Validate at start-up: a wrong key must stop the server, not the first customer.
        from shopdesk.policy.loader import PolicyError, get_policy

        try:
            get_policy()
        except PolicyError as exc:
            raise ImproperlyConfigured(str(exc)) from None
