"""API router: customer (being written)."""

from ninja import Router

router = Router(tags=["customer"])
