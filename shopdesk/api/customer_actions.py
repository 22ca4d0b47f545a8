"""API router: customer self-service actions (being written)."""

from ninja import Router

router = Router(tags=["customer actions"])
