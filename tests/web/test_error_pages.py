"""404, 403, an expired form (CSRF) and 500 use the site's layout, with a way back."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import path

from shopdesk.urls import urlpatterns as site_urls


def _boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("a bug")


def _forbidden(request):  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


urlpatterns = [path("boom/", _boom), path("forbidden/", _forbidden), *site_urls]
handler404 = "shopdesk.web.errors.page_not_found"
handler403 = "shopdesk.web.errors.permission_denied"
handler500 = "shopdesk.web.errors.server_error"


def _in_layout(html: str) -> None:
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert 'href="/"' in html and "Back to the home page" in html


@pytest.mark.django_db
def test_not_found_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _in_layout(response.content.decode())
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_forbidden_page(client: Client) -> None:
    response = client.get("/forbidden/")
    assert response.status_code == 403
    _in_layout(response.content.decode())


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    _in_layout(html)
    assert "a bug" not in html


@pytest.mark.django_db
def test_csrf_failure_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/orders/", {"order_number": "KW1", "email": "a@example.com"})
    assert response.status_code == 403
    html = response.content.decode()
    _in_layout(html)
    assert "This form expired" in html
