"""The SSRF guard: a webhook may not reach the private network shopdesk runs in.

Checked when an endpoint is added and again before every send (a name may resolve elsewhere later).
SHOPDESK_WEBHOOKS_ALLOW_PRIVATE=1 lifts it for tests and the demo, whose receivers listen on loopback.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlsplit

from django.conf import settings

from shopdesk.core.errors import InvalidInput


def private_allowed() -> bool:
    value = os.environ.get("SHOPDESK_WEBHOOKS_ALLOW_PRIVATE", "")
    return value == "1" or bool(getattr(settings, "SHOPDESK_WEBHOOKS_ALLOW_PRIVATE", False))


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_check(url: str, *, resolve: bool = True) -> str:
    """The URL, stripped, or InvalidInput saying why it cannot be a webhook endpoint."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidInput("A webhook URL starts with https:// and names a host.", code="webhook_url_invalid")
    if parts.username or parts.password:
        raise InvalidInput("A webhook URL may not carry a user name or password.", code="webhook_url_invalid")
    if private_allowed():
        return url
    if parts.scheme != "https":
        raise InvalidInput("A webhook URL must use https.", code="webhook_url_invalid")
    host = parts.hostname
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    elif host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        addresses = ["127.0.0.1"]
    elif not resolve:
        return url
    else:
        try:
            infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
        except OSError:
            raise InvalidInput(
                f"The host {host} could not be resolved.", code="webhook_url_unresolvable"
            ) from None
        addresses = [str(info[4][0]) for info in infos]
    if not all(_is_public(address) for address in addresses):
        raise InvalidInput(
            "A webhook URL may not point at a private, loopback or link-local address.",
            code="webhook_url_private",
        )
    return url
