from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HelpcenterConfig(AppConfig):
    name = "shopdesk.helpcenter"
    label = "helpcenter"
    verbose_name = "Help center"

    def ready(self) -> None:
        from shopdesk.helpcenter.signals import seed_after_migrate

        post_migrate.connect(seed_after_migrate, sender=self, dispatch_uid="helpcenter-seed")
