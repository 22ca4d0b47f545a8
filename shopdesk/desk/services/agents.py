"""Desk agents (Django users in a desk group) and their API tokens (shown once, stored as SHA-256)."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shopdesk.access.tokens import token_hash
from shopdesk.core.actors import AgentRole
from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.desk.models import AgentToken
from shopdesk.desk.roles import GROUP_FOR_ROLE, agent_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

AGENT_TOKEN_PREFIX = "sdk_"  # noqa: S105 - a marker, not a secret
PREFIX_SHOWN = 9
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class AddedAgent:
    user: User
    password: str  # generated, shown to the operator once


def agent_add(*, email: str, role: str, name: str = "") -> AddedAgent:
    """Create a desk agent (or give an existing user the role) with a new generated password."""
    address = (email or "").strip().lower()
    if "@" not in address or " " in address:
        raise InvalidInput("Give the agent's email address.", code="email_invalid")
    if role not in AgentRole.values:
        raise InvalidInput("The role is one of agent, lead, admin.", code="role_invalid")
    password = secrets.token_urlsafe(12)
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.filter(username=address).first()
        if user is None:
            user = user_model(username=address, email=address)
        if name:
            first, _, last = name.strip().partition(" ")
            user.first_name, user.last_name = first[:150], last[:150]
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.remove(*Group.objects.filter(name__in=GROUP_FOR_ROLE.values()))
        group, _ = Group.objects.get_or_create(name=GROUP_FOR_ROLE[role])
        user.groups.add(group)
    return AddedAgent(user=user, password=password)


def agent_by_email(email: str) -> User:
    address = (email or "").strip().lower()
    user = get_user_model().objects.filter(Q(username=address) | Q(email=address), is_active=True).first()
    if user is None or agent_role(user) is None:
        raise NotFound(f"No desk agent with the email {address}.", code="agent_not_found")
    return user


def agent_token_create(*, user: User) -> str:
    """A new API token for the agent; returns the secret (the database keeps only its hash)."""
    if agent_role(user) is None:
        raise NotFound("Only desk agents get desk tokens.", code="agent_not_found")
    secret = AGENT_TOKEN_PREFIX + secrets.token_urlsafe(30)
    AgentToken.objects.create(
        user=user, prefix=secret[:PREFIX_SHOWN], token_hash=token_hash(secret), created_at=timezone.now()
    )
    return secret


def agent_token_authenticate(secret: str) -> User | None:
    """The active agent behind a live token, or None (unknown, revoked, or no longer an agent)."""
    if not secret.startswith(AGENT_TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = token_hash(secret)
    token = AgentToken.objects.select_related("user").filter(token_hash=digest).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest) or token.revoked_at is not None:
        return None
    if agent_role(token.user) is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        AgentToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def agent_tokens_revoke(*, user: User) -> int:
    return AgentToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
