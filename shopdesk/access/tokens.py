"""Secret tokens: 256 random bits, shown once, stored as SHA-256.

A fast hash is enough here (unlike passwords): the token has 256 bits of entropy, so nobody can
guess it from its hash, and a fast hash keeps every authenticated request cheap.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 32


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
