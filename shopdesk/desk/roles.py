"""Desk roles on Django auth groups: a user in "desk agent", "desk lead" or "desk admin" works the desk.

A user's role is the highest of their desk groups; a superuser counts as an admin. Everyone else
(customers, staff without a desk group) is not an agent, and every desk page and endpoint refuses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group

from shopdesk.core.actors import Actor, AgentRole
from shopdesk.core.errors import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

GROUP_FOR_ROLE: dict[str, str] = {
    AgentRole.AGENT: "desk agent",
    AgentRole.LEAD: "desk lead",
    AgentRole.ADMIN: "desk admin",
}
_ROLE_FOR_GROUP = {group: role for role, group in GROUP_FOR_ROLE.items()}
_RANK = {AgentRole.AGENT: 1, AgentRole.LEAD: 2, AgentRole.ADMIN: 3}
_CACHE_ATTRIBUTE = "_desk_role"


def agent_role(user: User | AnonymousUser | None) -> str | None:
    """The user's desk role, or None for anyone who is not a desk agent (cached on the user object)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if hasattr(user, _CACHE_ATTRIBUTE):
        return getattr(user, _CACHE_ATTRIBUTE)
    role: str | None = AgentRole.ADMIN.value if getattr(user, "is_superuser", False) else None
    if role is None:
        names = Group.objects.filter(user=user, name__in=_ROLE_FOR_GROUP).values_list("name", flat=True)
        roles = [_ROLE_FOR_GROUP[name] for name in names]
        role = max(roles, key=lambda r: _RANK[AgentRole(r)]) if roles else None
    setattr(user, _CACHE_ATTRIBUTE, role)
    return role


def role_at_least(user: User | AnonymousUser | None, role: str) -> bool:
    mine = agent_role(user)
    return mine is not None and _RANK[AgentRole(mine)] >= _RANK[AgentRole(role)]


def require_role(user: User | AnonymousUser | None, role: str = AgentRole.AGENT) -> str:
    """The user's role when it is `role` or above; PermissionDenied otherwise."""
    mine = agent_role(user)
    if mine is None or _RANK[AgentRole(mine)] < _RANK[AgentRole(role)]:
        raise PermissionDenied(
            f"This needs the desk role {AgentRole(role).label.lower()} or above.", code="desk_role_required"
        )
    return mine


def agent_actor(user: User) -> Actor:
    """The audit actor of an agent: their username and role (the registry's actions check the role)."""
    return Actor.agent(user.get_username(), require_role(user))


def agent_display_name(user: User | None) -> str:
    if user is None:
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()
