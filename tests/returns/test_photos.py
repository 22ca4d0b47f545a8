"""Photos of a return: only for damaged, faulty or wrong items, at most five, JPEG/PNG/HEIC read from the
bytes, stored through Django's storage under random names, and shown only to the order's customer or an
agent (API and page); another customer and nobody signed in see nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotEligible
from shopdesk.desk.services.agents import agent_add, agent_token_create
from shopdesk.orders.models import Order
from shopdesk.returns.enums import ReturnEventKind
from shopdesk.returns.models import ReturnPhoto
from shopdesk.returns.photos import IncomingPhoto, photo_type_detect, return_photos_add
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.returns.follow_fixtures import (  # noqa: F401 (the media fixture)
    GIF,
    HEIC,
    JPEG,
    PNG,
    SCRIPT,
    _media_in_tmp,
    return_of,
    return_of_both,
)
from tests.web.test_actions import sign_in

pytestmark = pytest.mark.django_db
BASE = "/api/v1/customer/orders"


def _bearer(order: Order) -> dict[str, str]:
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def _upload(client: Client, order: Order, rma: str, files: list[tuple[str, bytes]], headers: dict[str, str]):
    body = {"photos": [SimpleUploadedFile(name, content) for name, content in files]}
    return client.post(f"{BASE}/{order.number}/returns/{rma}/photos", body, **headers)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (HEIC, "image/heic"),
        (GIF, None),
        (SCRIPT, None),
        (b"", None),
    ],
)
def test_the_type_comes_from_the_bytes(content: bytes, expected: str | None):
    assert photo_type_detect(content) == expected


def test_the_owner_uploads_photos_as_multipart_and_reads_them_back(client: Client):
    order = delivered_shirt_and_scarf()
    ret = return_of(order)
    headers = _bearer(order)
    # The name says PNG, the bytes are a JPEG: the bytes win; the stored name is random.
    response = _upload(client, order, ret.rma, [("scarf.png", JPEG), ("IMG_0001.HEIC", HEIC)], headers)
    assert response.status_code == 201, response.content
    photos = response.json()["photos"]
    assert [p["content_type"] for p in photos] == ["image/jpeg", "image/heic"]
    stored = ReturnPhoto.objects.get(storage_key=photos[0]["key"])
    assert "scarf" not in stored.file.name and stored.file.name.endswith(".jpg")
    assert photos[0]["key"] in stored.file.name  # the random folder
    got = client.get(photos[0]["url"], **headers)
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert b"".join(got.streaming_content) == JPEG
    assert got["Cache-Control"] == "private, no-store" and got["X-Content-Type-Options"] == "nosniff"
    detail = client.get(f"{BASE}/{order.number}/returns/{ret.rma}", **headers).json()
    assert [p["key"] for p in detail["photos"]] == [p["key"] for p in photos]
    assert detail["photos"][0]["url"] == photos[0]["url"]
    assert ret.events.filter(kind=ReturnEventKind.PHOTOS_ADDED).count() == 1


def test_another_customer_and_nobody_signed_in_can_not_read_or_add_photos(client: Client):
    order = delivered_shirt_and_scarf()
    ret = return_of(order)
    photo = return_photos_add(
        return_request=ret, actor=Actor.customer(order.email), files=[IncomingPhoto("a.jpg", JPEG)]
    )[0]
    url = f"{BASE}/{order.number}/returns/{ret.rma}/photos/{photo.storage_key}"
    stranger = _bearer(delivered_shirt_and_scarf())
    assert client.get(url, **stranger).status_code == 404
    assert client.get(url).status_code == 401
    assert _upload(client, order, ret.rma, [("b.jpg", JPEG)], stranger).status_code == 404
    assert _upload(client, order, ret.rma, [("b.jpg", JPEG)], {}).status_code == 401
    assert ReturnPhoto.objects.count() == 1


def test_an_agent_token_reads_a_photo_of_any_order(client: Client):
    order = delivered_shirt_and_scarf()
    ret = return_of(order)
    photo = return_photos_add(
        return_request=ret, actor=Actor.customer(order.email), files=[IncomingPhoto("a.png", PNG)]
    )[0]
    token = agent_token_create(user=agent_add(email="ana@desk.example", role="agent", name="Ana").user)
    url = f"{BASE}/{order.number}/returns/{ret.rma}/photos/{photo.storage_key}"
    got = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
    assert client.get(url + "x", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404


def test_bad_files_are_422_naming_each_and_nothing_is_stored(client: Client):
    order = delivered_shirt_and_scarf()
    ret = return_of(order)
    response = _upload(
        client, order, ret.rma, [("ok.jpg", JPEG), ("x.gif", GIF), ("x.svg", SCRIPT)], _bearer(order)
    )
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert [(f["field"], f["code"]) for f in error["fields"]] == [
        ("photos[1]", "photo_type_not_allowed"),
        ("photos[2]", "photo_type_not_allowed"),
    ]
    assert "JPEG, PNG or HEIC" in error["fields"][0]["message"]
    assert ReturnPhoto.objects.count() == 0


def test_a_photo_above_the_size_cap_is_refused(settings):
    order = delivered_shirt_and_scarf()
    ret = return_of(order)
    from shopdesk.returns import photos

    big = JPEG + b"\x00" * photos.MAX_PHOTO_BYTES
    with pytest.raises(InvalidInput) as refused:
        return_photos_add(
            return_request=ret, actor=Actor.customer(order.email), files=[IncomingPhoto("b.jpg", big)]
        )
    assert refused.value.as_dict()["fields"][0]["code"] == "photo_too_large"
    assert ReturnPhoto.objects.count() == 0


def test_at_most_five_photos_per_return_counted_with_those_already_there():
    order = delivered_shirt_and_scarf()
    ret = return_of(order)
    actor = Actor.customer(order.email)
    return_photos_add(
        return_request=ret, actor=actor, files=[IncomingPhoto(f"{i}.jpg", JPEG) for i in range(3)]
    )
    with pytest.raises(InvalidInput) as refused:
        return_photos_add(
            return_request=ret, actor=actor, files=[IncomingPhoto(f"{i}.png", PNG) for i in range(3)]
        )
    assert refused.value.code == "photos_too_many" and "2 more" in refused.value.message
    assert ReturnPhoto.objects.filter(return_request=ret).count() == 3


def test_a_return_for_a_size_problem_takes_no_photos_but_one_with_a_damaged_item_does():
    order = delivered_shirt_and_scarf()
    too_small = return_of(order, reason="too_small")
    with pytest.raises(NotEligible) as refused:
        return_photos_add(
            return_request=too_small, actor=Actor.customer(order.email), files=[IncomingPhoto("a.jpg", JPEG)]
        )
    assert refused.value.code == "photos_not_needed"
    mixed = return_of_both(delivered_shirt_and_scarf())
    assert (
        len(
            return_photos_add(
                return_request=mixed,
                actor=Actor.customer("x@example.com"),
                files=[IncomingPhoto("a.jpg", JPEG)],
            )
        )
        == 1
    )


def test_a_cancelled_return_takes_no_more_photos():
    from shopdesk.returns.services import return_cancel

    order = delivered_shirt_and_scarf()
    ret = return_cancel(return_request=return_of(order), actor=Actor.customer(order.email))
    with pytest.raises(NotEligible) as refused:
        return_photos_add(
            return_request=ret, actor=Actor.customer(order.email), files=[IncomingPhoto("a.jpg", JPEG)]
        )
    assert refused.value.code == "return_closed_for_photos"


def test_the_return_page_uploads_photos_and_shows_them_to_the_owner_and_an_agent_only(client: Client):
    order = delivered_shirt_and_scarf()
    ret = return_of(order)
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/returns/{ret.rma}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="photos"' in page
    response = client.post(
        f"/orders/{order.number}/returns/{ret.rma}/photos/",
        {"photos": [SimpleUploadedFile("a.jpg", JPEG), SimpleUploadedFile("b.png", PNG)]},
        follow=True,
    )
    assert response.status_code == 200 and "2 photos added" in response.content.decode()
    keys = list(ReturnPhoto.objects.filter(return_request=ret).values_list("storage_key", flat=True))
    assert len(keys) == 2
    photo_url = f"/orders/{order.number}/returns/{ret.rma}/photos/{keys[0]}/"
    assert photo_url in response.content.decode()
    owner = client.get(photo_url)
    assert owner.status_code == 200 and b"".join(owner.streaming_content) == JPEG
    # Another customer, signed in for their own order: no photo.
    other = Client()
    sign_in(other, delivered_shirt_and_scarf())
    assert other.get(photo_url).status_code == 404
    assert b"JFIF" not in other.get(photo_url, follow=True).content
    # Nobody signed in: sent to the lookup form, no photo.
    anonymous = Client().get(photo_url)
    assert anonymous.status_code == 404 and not hasattr(anonymous, "streaming_content")
    # A desk agent signed in sees it.
    agent = agent_add(email="ana@desk.example", role="agent", name="Ana").user
    desk = Client()
    desk.force_login(agent)
    seen = desk.get(photo_url)
    assert seen.status_code == 200 and b"".join(seen.streaming_content) == JPEG


def test_a_wrong_file_on_the_page_is_a_helpful_message_and_stores_nothing(client: Client):
    order = delivered_shirt_and_scarf()
    ret = return_of(order)
    sign_in(client, order)
    response = client.post(
        f"/orders/{order.number}/returns/{ret.rma}/photos/",
        {"photos": [SimpleUploadedFile("a.gif", GIF)]},
        follow=True,
    )
    assert "we accept JPEG, PNG or HEIC photos" in response.content.decode()
    assert ReturnPhoto.objects.count() == 0


def test_the_admin_links_each_photo_to_the_checked_view_and_a_superuser_opens_it(admin_client: Client):
    order = delivered_shirt_and_scarf()
    ret = return_of(order)
    photo = return_photos_add(
        return_request=ret, actor=Actor.customer(order.email), files=[IncomingPhoto("a.jpg", JPEG)]
    )[0]
    page = admin_client.get(f"/admin/returns/returnrequest/{ret.pk}/change/").content.decode()
    url = f"/orders/{order.number}/returns/{ret.rma}/photos/{photo.storage_key}/"
    assert f'href="{url}"' in page and "/media/" not in page
    opened = admin_client.get(url)
    assert opened.status_code == 200 and b"".join(opened.streaming_content) == JPEG


def test_an_upload_without_photos_is_422_no_photos(client: Client):
    order = delivered_shirt_and_scarf()
    ret = return_of(order)
    response = client.post(f"{BASE}/{order.number}/returns/{ret.rma}/photos", {}, **_bearer(order))
    assert response.status_code == 422 and response.json()["error"]["code"] == "no_photos"
