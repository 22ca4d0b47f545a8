"""API router: help (being written)."""

from ninja import Router

router = Router(tags=["help"])
