"""Photo uploads racing on PostgreSQL (skipped on SQLite): four uploads of two photos each to one return
at once never store more than five photos, and leave no file of a refused upload behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput
from shopdesk.returns.models import ReturnPhoto
from shopdesk.returns.photos import IncomingPhoto, return_photos_add
from tests.races.conftest import race, server_errors
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.returns.follow_fixtures import JPEG, _media_in_tmp, return_of  # noqa: F401 (the media fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def test_concurrent_uploads_never_store_more_than_five_photos():
    order = delivered_shirt_and_scarf()
    ret = return_of(order)
    actor = Actor.customer(order.email)

    def upload():  # type: ignore[no-untyped-def]
        return return_photos_add(
            return_request=ret,
            actor=actor,
            files=[IncomingPhoto("a.jpg", JPEG), IncomingPhoto("b.jpg", JPEG)],
        )

    results = race([upload] * 4)

    assert server_errors(results) == []
    stored = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(stored) == 2 and len(refused) == 2
    assert all(r.code == "photos_too_many" for r in refused)
    assert ReturnPhoto.objects.filter(return_request=ret).count() == 4
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(files) == 4  # the refused uploads stored nothing
