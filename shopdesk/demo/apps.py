"""The demo store app: the deterministic KWOKING store behind `shopdesk demo` (docs/demo.md)."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "shopdesk.demo"
    label = "demo"
    verbose_name = "Demo store"
