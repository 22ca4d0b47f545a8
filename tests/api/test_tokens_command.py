"""`shopdesk token create | list | revoke`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shopdesk.api.auth import token_authenticate
from shopdesk.api.models import ApiToken


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_the_token_once_and_it_works(db: None) -> None:
    out, err = _run("create", "--name", "shopify")

    secret = out.strip()
    assert secret.startswith("sd_") and len(secret) == 43
    assert "not shown again" in err
    assert token_authenticate(secret) is not None
    listing, _ = _run("list")
    assert "shopify" in listing
    assert secret not in listing
    assert ApiToken.objects.get().prefix in listing


def test_revoke_by_name(db: None) -> None:
    secret = _run("create", "--name", "shopify")[0].strip()

    out, _ = _run("revoke", "shopify")

    assert "Revoked shopify" in out
    assert token_authenticate(secret) is None
    assert "revoked" in _run("list")[0]


def test_two_live_tokens_cannot_share_a_name(db: None) -> None:
    _run("create", "--name", "shopify")

    with pytest.raises(CommandError, match="already exists"):
        _run("create", "--name", "shopify")


def test_revoking_an_unknown_name_fails(db: None) -> None:
    with pytest.raises(CommandError, match="No live token"):
        _run("revoke", "nobody")


def test_admin_lists_tokens_without_their_secret(admin_client) -> None:  # type: ignore[no-untyped-def]
    out, _ = _run("create", "--name", "shopify")
    token = ApiToken.objects.get()

    page = admin_client.get("/admin/api/apitoken/").content.decode()
    detail = admin_client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()

    assert "shopify" in page and token.prefix in page
    for html in (page, detail):
        assert out.strip() not in html
        assert token.token_hash not in html
