from __future__ import annotations

from django.http import HttpRequest

from shopdesk.policy import get_policy


def store(request: HttpRequest) -> dict[str, object]:
    """The store's name and contacts for every page's header and footer."""
    return {"store": get_policy().store}
