"""A question about the verified order reads the order view kept for the order's version: a follow-up on an
unchanged order skips the rebuild, and any change to the order (a package, a scan, a cancellation made
elsewhere) shows on the very next turn."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.cached import order_page_cached, order_page_warm, order_view_forget
from shopdesk.shipping.enums import TrackingStatus
from tests import factories
from tests.assistant.conversations.conftest import Chat
from tests.situations import ago, ship

pytestmark = pytest.mark.django_db


def _queries_of(chat: Chat, text: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        chat.say(text)
    return len(queries)


def test_a_follow_up_on_an_unchanged_order_skips_the_rebuild(chat: Chat, order_in_transit: Order) -> None:
    chat.say(f"where is my order {order_in_transit.number} {order_in_transit.email}")
    assert "timeline" in chat.types()
    cache.clear()
    order_view_forget()  # nothing kept: the next turn builds the page
    rebuilt = _queries_of(chat, "where is my order?")
    built_answer = chat.last["replies"]
    kept = _queries_of(chat, "where is my order?")
    assert chat.last["replies"] == built_answer
    # The page's seven-plus reads are gone; what is left is the version's one query.
    assert kept <= rebuilt - 6
    order_view_forget()  # this process's copy gone: the shared cache still has it
    assert _queries_of(chat, "where is my order?") == kept
    assert chat.last["replies"] == built_answer


def test_a_new_package_shows_on_the_next_turn(chat: Chat, order_unfulfilled: Order) -> None:
    order = order_unfulfilled
    chat.say(f"where is my order {order.number} {order.email}")
    assert "timeline" not in chat.types()
    chat.say("where is my order?")  # now kept
    assert "timeline" not in chat.types()

    ship(order, shipped_days_ago=0.01, last_scan_days_ago=0.005)
    chat.say("where is my order?")
    assert "timeline" in chat.types()


def test_a_new_scan_shows_on_the_next_turn(chat: Chat, order_in_transit: Order) -> None:
    order = order_in_transit
    chat.say(f"where is my order {order.number} {order.email}")
    chat.say("where is my order?")
    assert "Out for delivery" not in chat.text

    shipment = order.shipments.get()
    factories.TrackingEventFactory(
        shipment=shipment,
        occurred_at=ago(minutes=1),
        status=TrackingStatus.OUT_FOR_DELIVERY,
        description="Out for delivery",
    )
    chat.say("where is my order?")
    assert "Out for delivery" in chat.text


def test_a_cancellation_made_in_the_chat_shows_on_the_next_question(
    chat: Chat, order_unfulfilled: Order
) -> None:
    order = order_unfulfilled
    chat.say(f"where is my order {order.number} {order.email}")
    before = chat.reply("order")["data"]["fulfilment"]
    chat.say("cancel my order")
    chat.say("yes")
    assert "cancelled" in chat.text
    chat.say("where is my order?")
    after = chat.reply("order")["data"]["fulfilment"]
    assert before != after
    order.refresh_from_db()
    assert order.is_cancelled


def test_each_caller_gets_its_own_copy_and_actors_their_own_page(order_unfulfilled: Order) -> None:
    order = order_unfulfilled
    actor = Actor.assistant(order.email)
    built = order_page(order=Order.objects.get(pk=order.pk), actor=actor)
    first = order_page_cached(order=Order.objects.get(pk=order.pk), actor=actor)
    first.lines.clear()
    first.actions.clear()
    again = order_page_cached(order=Order.objects.get(pk=order.pk), actor=actor)
    assert [line.id for line in again.lines] == [line.id for line in built.lines]
    assert set(again.actions) == set(built.actions)
    assert {k: v.allowed for k, v in again.actions.items()} == {
        k: v.allowed for k, v in built.actions.items()
    }

    other = Actor.assistant("someone.else@example.com")
    theirs = order_page_cached(order=Order.objects.get(pk=order.pk), actor=other)
    fresh = order_page(order=Order.objects.get(pk=order.pk), actor=other)
    assert {k: (v.allowed, v.code) for k, v in theirs.actions.items()} == {
        k: (v.allowed, v.code) for k, v in fresh.actions.items()
    }


def test_a_warmed_page_is_the_one_the_next_read_returns_without_building_it(order_in_transit: Order) -> None:
    cache.clear()
    order_view_forget()
    actor = Actor.assistant(order_in_transit.email)
    order_page_warm(order=order_in_transit, actor=actor)
    with CaptureQueriesContext(connection) as queries:
        page = order_page_cached(order=order_in_transit, actor=actor)
    assert len(queries) == 1  # the version; the page came from the cache
    assert page.summary == order_page(order=order_in_transit, actor=actor).summary
    assert page is not order_page_cached(order=order_in_transit, actor=actor)  # each caller its own copy
