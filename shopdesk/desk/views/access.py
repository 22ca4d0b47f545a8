"""Who may open a desk page: signed-in desk agents. Anyone else signs in first, or gets a 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render

from shopdesk.desk.roles import agent_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LOGIN_PATH = "/desk/login/"


def desk_agent_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{LOGIN_PATH}?{urlencode({'next': request.get_full_path()})}")
        if agent_role(request.user) is None:
            return render(request, "desk/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def request_agent(request: HttpRequest) -> User:
    """The signed-in agent of a view wrapped by desk_agent_required."""
    return cast("User", request.user)
