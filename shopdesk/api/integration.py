"""API router: integration (being written)."""

from ninja import Router

router = Router(tags=["integration"])
