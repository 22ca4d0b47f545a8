"""API tokens for the store integration: create, revoke, and the bearer authentication of /api/v1/store/.

A token is `sd_` + 40 URL-safe characters. It is shown once; the database keeps its SHA-256 hash
(looked up by an index, then compared in constant time) and its first characters to recognise it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from shopdesk.api.models import ApiToken
from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict, DomainError, InvalidInput, NotFound

TOKEN_PREFIX = "sd_"  # noqa: S105 - a marker, not a secret
TOKEN_SECRET_LENGTH = 40
PREFIX_SHOWN = 8  # "sd_" and five characters: enough to tell tokens apart, useless to guess one
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class Unauthorized(DomainError):
    code = "unauthorized"
    http_status = 401


@dataclass(frozen=True, slots=True)
class CreatedToken:
    token: ApiToken
    secret: str  # shown to the operator once, then forgotten


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    # token_urlsafe(30) gives exactly 40 characters of base64url.
    secret = secrets.token_urlsafe(30)
    return TOKEN_PREFIX + secret[:TOKEN_SECRET_LENGTH]


def token_create(*, name: str) -> CreatedToken:
    name = name.strip()
    if not name:
        raise InvalidInput("A token needs a name.")
    secret = _new_secret()
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                name=name, prefix=secret[:PREFIX_SHOWN], token_hash=token_hash(secret)
            )
    except IntegrityError:
        raise Conflict(f'A live token named "{name}" already exists; revoke it first.') from None
    return CreatedToken(token=token, secret=secret)


def token_revoke(*, name: str) -> ApiToken:
    token = ApiToken.objects.filter(name=name, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(f'No live token named "{name}".')
    # Compare-and-set: a concurrent revoke does not overwrite the first revocation time.
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def token_authenticate(secret: str) -> ApiToken | None:
    """The live token for this secret, or None. Marks it used (at most one write a minute)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = token_hash(secret)
    token = ApiToken.objects.filter(token_hash=digest).first()
    # The index lookup already matched, but compare again in constant time so no code path
    # depends on how many leading characters of a guessed hash were right.
    if token is None or not hmac.compare_digest(token.token_hash, digest) or token.revoked_at is not None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
        ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def integration_actor(request: HttpRequest) -> Actor:
    """The audit actor of an authenticated integration request: the token's name, never its secret."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return Actor.integration(token.name)


class IntegrationTokenAuth(HttpBearer):
    """`Authorization: Bearer sd_...`. Every failure is a 401 with the API's JSON error body."""

    def __call__(self, request: HttpRequest) -> ApiToken:
        header = request.headers.get(self.header, "")
        scheme, _, secret = header.partition(" ")
        if not header:
            raise Unauthorized("Send an API token: Authorization: Bearer <token>.", code="token_missing")
        if scheme.lower() != self.openapi_scheme:
            raise Unauthorized("Use the Bearer scheme: Authorization: Bearer <token>.", code="token_missing")
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = token_authenticate(token)
        if found is None:
            # One message for unknown and revoked tokens: the caller learns nothing about which.
            raise Unauthorized("The API token is not valid or was revoked.", code="token_invalid")
        return found
