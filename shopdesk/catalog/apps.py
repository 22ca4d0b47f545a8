from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "shopdesk.catalog"
    label = "catalog"
    verbose_name = "Catalog"
