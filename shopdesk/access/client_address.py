"""The client's address for rate limits: REMOTE_ADDR, or X-Forwarded-For when a trusted proxy sent it.

Behind a reverse proxy every request comes from the proxy, so limits keyed on REMOTE_ADDR would lump
all customers together. SHOPDESK_TRUSTED_PROXIES (comma-separated CIDRs, empty by default) names the
proxies; only when the peer is one of them is X-Forwarded-For read, right to left, skipping the
trusted hops. A client talking to us directly cannot choose its address by sending the header.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"SHOPDESK_TRUSTED_PROXIES: {exc}") from None


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    peer_text = request.META.get("REMOTE_ADDR", "") or ""
    networks = trusted_networks(tuple(getattr(settings, "SHOPDESK_TRUSTED_PROXIES", ())))
    peer = _parse(peer_text)
    if peer is None or not networks or not _trusted(peer, networks):
        return peer_text or "unknown"
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    # Right to left: the rightmost entry was added by our own proxy; the first untrusted one is the
    # client as far as our proxies can vouch. Anything to its left is whatever the client claimed.
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _parse(hop)
        if address is None:
            break
        if not _trusted(address, networks):
            return str(address)
    return peer_text
