"""Who may open a desk page: signed-in desk agents. Anyone else signs in first, or gets a 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from shopdesk.desk.roles import agent_role

LOGIN_PATH = "/desk/login/"


def desk_agent_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{LOGIN_PATH}?{urlencode({'next': request.get_full_path()})}")
        if agent_role(request.user) is None:
            return render(request, "desk/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
