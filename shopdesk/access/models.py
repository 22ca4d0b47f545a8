"""Customer sessions (order lookup or magic link) and magic links, stored only as token hashes.

A leaked database row never lets anyone in: the token itself exists only in the customer's hands.
"""

from __future__ import annotations

from django.db import models

from shopdesk.access.types import CustomerAccess


class SessionOrigin(models.TextChoices):
    LOOKUP = "lookup", "Order number and email"  # scoped to one order
    MAGIC_LINK = "magic_link", "Magic link"  # every order of the email


class CustomerSession(models.Model):
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the bearer token.")
    email = models.EmailField(max_length=254)
    # Blank for a magic-link session: it covers every order of the email, present and future.
    order_number = models.CharField(max_length=32, blank=True)
    origin = models.CharField(max_length=20, choices=SessionOrigin.choices)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email", "created_at"])]

    def __str__(self) -> str:
        return f"{self.email} {self.order_number or '(all orders)'}"

    def access(self) -> CustomerAccess:
        numbers = frozenset({self.order_number}) if self.order_number else None
        return CustomerAccess(email=self.email, order_numbers=numbers, session_id=self.pk)


class MagicLink(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=254)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # Set once, by a compare-and-set update: a link opens one session, however often it is clicked.
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"magic link for {self.email}"


class RateCounter(models.Model):
    """One fixed-window rate-limit counter, when the cache cannot count atomically (no Redis).

    Incremented with `count + 1` in one UPDATE, so parallel failures are all counted.
    """

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
