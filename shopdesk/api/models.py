"""API tokens of the store integration: only a SHA-256 hash and a short prefix are stored, never the secret."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    name = models.CharField(
        max_length=80, help_text="Who uses it, e.g. 'shopify-sync'. Unique among live tokens."
    )
    # The first characters of the secret, shown in lists so an operator can tell tokens apart.
    prefix = models.CharField(max_length=12)
    # SHA-256 of the whole secret (hex). A token has ~240 bits of entropy, so a fast hash is enough:
    # there is nothing to brute-force the way there is with a password.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Written at most once a minute (see auth.py), so a busy integration does not write on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "-created_at"]
        constraints = [
            # A revoked name may be reused; two live tokens may not share one.
            models.UniqueConstraint(
                fields=["name"], condition=Q(revoked_at__isnull=True), name="api_token_live_name_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
