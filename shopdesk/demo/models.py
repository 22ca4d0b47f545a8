"""What the demo loader made: the load itself (seed, size, anchor time) and each demo order's situations.

These rows are how `shopdesk demo` knows a demo store is loaded, what `--reset` may delete and what
`--list` prints; the orders themselves are ordinary rows of the domain apps.
"""

from __future__ import annotations

from django.db import models


class DemoStore(models.Model):
    """One row per load. `completed_at` stays empty while a load runs, so an interrupted one is visible."""

    seed = models.BigIntegerField()
    orders = models.PositiveIntegerField(help_text="How many orders were asked for.")
    anchor = models.DateTimeField(help_text="The 'now' every demo date is relative to.")
    # Small lists of natural keys the demo created (category slugs, coupon codes), so a reset never
    # deletes a category or a code that the store had before the demo was loaded.
    created = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"demo store seed={self.seed} orders={self.orders}"


class DemoOrder(models.Model):
    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="demo")
    seed = models.BigIntegerField()
    # Situation values (shopdesk.demo.situations.Situation), computed from the rows that were written.
    situations = models.JSONField(default=list)

    class Meta:
        ordering = ["order_id"]

    def __str__(self) -> str:
        return f"demo {self.order_id}: {', '.join(self.situations)}"
