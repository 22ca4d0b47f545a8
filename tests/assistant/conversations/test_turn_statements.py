"""What a turn costs the database, per kind of turn, so a regression shows; and what keeps those counts
down without changing an answer: both rate limits of a message in one statement, the order's facts read
once per turn while it only reads, a help article rendered once per revision, the conversation saved with
the columns the turn changed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shopdesk.access import rate_limits
from shopdesk.access.models import RateCounter
from shopdesk.access.rate_limits import Limit
from shopdesk.assistant.conversations import articles, engine
from shopdesk.assistant.conversations.engine import MESSAGES_PER_CONVERSATION, _changed, _saved_fields
from shopdesk.assistant.conversations.models import Conversation
from shopdesk.assistant.conversations.models import Turn as TurnRow
from shopdesk.helpcenter.models import Article
from shopdesk.orders.models import Order
from shopdesk.payments import order_facts as facts_module
from shopdesk.payments.order_facts import order_facts, order_facts_kept
from tests.assistant.conversations.conftest import BASE, Chat

pytestmark = pytest.mark.django_db

# Statements of one turn, transaction control included, on SQLite and PostgreSQL (inside a test's transaction,
# so the rate limit's first count of a window adds a savepoint). Before the changes of decision 0032, with
# the same counting: a start 6, a general question 17 then 11, an order question 13, a follow-up 13, a cancel
# preview 29, its yes 46. A cancel's preview and its yes also read the order's price adjustments (one statement), so a
# refund never pays a price difference back twice.
MOST = {
    "start": 6,
    "general question": 16,
    "general question again": 9,
    "order question": 11,
    "follow-up": 11,
    "cancel preview": 16,
    "yes": 45,
}


@contextmanager
def at_most(kind: str) -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connection) as captured:
        yield captured
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) <= MOST[kind], f"{kind}: {len(statements)} statements\n" + "\n".join(statements)


def test_statements_per_kind_of_turn(
    client: Client, intent_model: object, order_in_transit: Order, order_unfulfilled: Order
) -> None:
    with at_most("start"):
        chat = Chat(client)
    with at_most("general question"):
        chat.say("what is your return policy?")
    assert chat.last["intent"] == "return_policy"
    with at_most("general question again"):
        chat.say("what is your return policy?")
    assert chat.last["intent"] == "return_policy"

    chat = Chat(client)
    chat.say(f"where is my order? {order_in_transit.number} {order_in_transit.email}")
    with at_most("order question"):
        chat.say("where is my order?")
    assert "timeline" in chat.types()
    with at_most("follow-up"):
        chat.say("and the other package?")
    assert chat.last["intent"] == "track_order"

    chat = Chat(client)
    chat.say(f"my order is {order_unfulfilled.number}, {order_unfulfilled.email}")
    with at_most("cancel preview"):
        chat.say("cancel my order")
    assert "confirm" in chat.types()
    with at_most("yes"):
        chat.say("yes")
    assert "cancelled" in chat.text
    order_unfulfilled.refresh_from_db()
    assert order_unfulfilled.is_cancelled


# --- both rate limits of a message, in one statement ------------------------------------------------------


@pytest.fixture
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limits' clock stands still: a test can't straddle two windows. The tests using it read the
    database's counters, so they don't apply where the limits count in the cache (Redis)."""
    if rate_limits.counts_in_cache():
        pytest.skip("the rate limits count in the cache (REDIS_URL), not in the database")
    now = time.time()
    monkeypatch.setattr(rate_limits, "time", SimpleNamespace(time=lambda: now, monotonic=time.monotonic))


def test_a_message_counts_both_its_limits_in_one_statement(chat: Chat, one_window: None) -> None:
    chat.say("hello")  # the window's first message: the counters are created
    with CaptureQueriesContext(connection) as captured:
        chat.say("hello")
    counting = [q["sql"] for q in captured.captured_queries if "access_ratecounter" in q["sql"]]
    assert len(counting) == 1
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [1, 2, 2]  # and the start's


def test_a_message_refused_by_the_conversation_limit_counts_against_neither(
    chat: Chat, client: Client, one_window: None
) -> None:
    for _ in range(MESSAGES_PER_CONVERSATION.count):
        chat.say("hello")
    client_counter = RateCounter.objects.get(key__contains=":assistant-client:")
    assert client_counter.count == MESSAGES_PER_CONVERSATION.count
    turns = TurnRow.objects.filter(conversation_id=chat.id).count()

    refused = chat.client.post(
        f"{BASE}/{chat.id}/messages", {"text": "hello"}, content_type="application/json"
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    client_counter.refresh_from_db()
    assert client_counter.count == MESSAGES_PER_CONVERSATION.count  # given back
    assert TurnRow.objects.filter(conversation_id=chat.id).count() == turns  # nothing written

    # Another conversation of the same client still has the client's remaining messages.
    other = Chat(client)
    other.say("hello")
    client_counter.refresh_from_db()
    assert client_counter.count == MESSAGES_PER_CONVERSATION.count + 1


def test_a_message_refused_by_the_client_limit_counts_against_neither(
    chat: Chat, monkeypatch: pytest.MonkeyPatch, one_window: None
) -> None:
    monkeypatch.setattr(engine, "MESSAGES_PER_CLIENT", Limit("assistant-client", 2, 60))
    chat.say("hello")
    chat.say("hello")
    chat.say("hello", status=429)
    counts = dict(RateCounter.objects.values_list("key", "count"))
    assert sorted(c for k, c in counts.items() if ":assistant-" in k and ":assistant-start:" not in k) == [
        2,
        2,
    ]


# --- the order's facts, once per turn while it only reads --------------------------------------------------


def _reads_of_facts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    reads: list[int] = []
    real = facts_module._order_facts_read

    def counted(order: Order) -> facts_module.OrderFacts:
        reads.append(order.pk)
        return real(order)

    monkeypatch.setattr(facts_module, "_order_facts_read", counted)
    return reads


def test_a_cancel_preview_reads_the_order_facts_once(
    chat: Chat, order_unfulfilled: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat.say(f"my order is {order_unfulfilled.number}, {order_unfulfilled.email}")
    reads = _reads_of_facts(monkeypatch)
    chat.say("cancel my order")
    assert "confirm" in chat.types()
    assert reads == [order_unfulfilled.pk]


def test_facts_are_kept_only_while_the_connection_only_reads(
    order_unfulfilled: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = order_unfulfilled
    reads = _reads_of_facts(monkeypatch)
    order_facts(order)
    order_facts(order)
    assert len(reads) == 2  # outside a block: read each time

    with order_facts_kept():
        first = order_facts(order)
        assert order_facts(order) is first
        other_instance = Order.objects.get(pk=order.pk)  # a plain read keeps them
        again = order_facts(other_instance)
        assert again.order is other_instance and again.lines is first.lines
        assert len(reads) == 3

        line = first.lines[0]
        type(line).objects.filter(pk=line.pk).update(quantity_cancelled=1)  # a write forgets them
        after_write = order_facts(order)
        assert len(reads) == 4
        assert after_write.lines[0].quantity_cancelled == 1

        with transaction.atomic():  # a savepoint (or a transaction) forgets them: what acts re-reads
            order_facts(order)
            assert len(reads) == 5
        order_facts(order)  # and so does its end
        order_facts(order)
        assert len(reads) == 6
        list(Order.objects.select_for_update().filter(pk=order.pk))  # a locking read too (PostgreSQL)
        order_facts(order)
        locked = 1 if connection.features.has_select_for_update else 0
        assert len(reads) == 6 + locked
    order_facts(order)
    assert len(reads) == 7 + locked


# --- the help article, rendered once per revision ----------------------------------------------------------


def test_an_edited_article_shows_on_the_next_turn(chat: Chat) -> None:
    chat.say("what is your return policy?")
    slug = chat.reply("article")["data"]["slug"]
    article = Article.objects.get(slug=slug)
    article.body = "Returns are free for 99 days.\n\nMore below."
    article.revision += 1
    article.save()
    chat.say("what is your return policy?")
    assert chat.reply("article")["text"] == "Returns are free for 99 days."

    article.is_published = False
    article.save()
    chat.say("what is your return policy?")
    assert chat.reply("article")["text"] != "Returns are free for 99 days."  # the packaged article


def test_an_article_is_rendered_once_per_revision(chat: Chat, monkeypatch: pytest.MonkeyPatch) -> None:
    articles._texts.clear()
    rendered: list[str] = []
    real = articles._article_text_rendered

    def counted(slug: str, *, published: bool) -> articles.ArticleText:
        rendered.append(slug)
        return real(slug, published=published)

    monkeypatch.setattr(articles, "_article_text_rendered", counted)
    chat.say("what is your return policy?")
    chat.say("what is your return policy?")
    assert len(rendered) == 1


# --- the conversation row: the columns a turn changed -------------------------------------------------------


def test_a_turn_saves_the_columns_it_changed(chat: Chat, order_in_transit: Order) -> None:
    chat.say(f"where is my order? {order_in_transit.number} {order_in_transit.email}")
    with CaptureQueriesContext(connection) as captured:
        chat.say("where is my order?")
    update = next(
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "assistant_conv')
    )
    assert '"created_at"' not in update and '"handoff"' not in update and '"updated_at"' in update


def test_a_step_changed_in_place_is_saved() -> None:
    conversation = Conversation.objects.create(step={"package": 1, "orders": ["A"]}, tried=["x"])
    loaded = _saved_fields(conversation)
    assert _changed(conversation, loaded) == []
    conversation.step["package"] = 2
    conversation.step["orders"].append("B")
    conversation.unsure_count = 1
    assert _changed(conversation, loaded) == ["step", "unsure_count"]


def test_the_other_package_is_remembered(chat: Chat, order_with_split_shipment: Order) -> None:
    order = order_with_split_shipment
    packages = list(order.shipments.order_by("id").values_list("id", flat=True))
    assert len(packages) == 2
    chat.say(f"where is my order? {order.number} {order.email}")
    chat.say("and the other package?")
    assert chat.last["intent"] == "track_order"
    assert Conversation.objects.get(pk=chat.id).step["package"] == packages[1]
    assert [r["data"]["package"] for r in chat.last["replies"] if r["type"] == "timeline"] == [packages[1]]


def test_turns_are_numbered_in_order(chat: Chat) -> None:
    chat.say("hello")
    chat.say("what is your return policy?")
    chat.press("handoff")
    positions = list(TurnRow.objects.filter(conversation_id=chat.id).values_list("position", "speaker"))
    assert positions == [
        (1, "customer"),
        (2, "assistant"),
        (3, "customer"),
        (4, "assistant"),
        (5, "customer"),
        (6, "assistant"),
    ]
