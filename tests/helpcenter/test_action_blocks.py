"""Articles name self-service actions by registry id: a block shows only when the action exists, and no article
promises an action or a page the system lacks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from shopdesk.helpcenter.content import load_content
from shopdesk.helpcenter.models import Article
from shopdesk.helpcenter.rendering import render_article, render_source
from shopdesk.helpcenter.templating import ArticleTemplateError, action_ids_named, render_template
from shopdesk.policy import get_policy
from shopdesk.selfservice import registry
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, is_registered

# Today's actions, and those the design names next: an id outside this list is a typo in an article.
KNOWN_ACTION_IDS = {
    "cancel",
    "change_items",
    "shipping_address",
    "billing_address",
    "resend_confirmation",
    "resend_shipping",
    "change_email",
    "open_case",
    "return_start",
    "pay_again",
    "verify_payment",
    "price_adjustment",
    "returned_to_sender_choice",
    "refund_dispute",
    "points_history",
}
# What a shopper is told to choose, and the action that must exist for it to be true. Labels of the store's
# own checkout (not of shopdesk) are listed with None.
CHOICES: dict[str, str | None] = {
    "Cancel order": "cancel",
    "Change order": "change_items",
    "Shipping address": "shipping_address",
    "Billing address": "billing_address",
    "Resend confirmation": "resend_confirmation",
    "Return items": "return_start",
    "Exchange": "return_start",
    "Reship": "returned_to_sender_choice",
    "Refund": "returned_to_sender_choice",
    "Report a problem": "refund_dispute",
    "Price adjustment": "price_adjustment",
    "Use points": None,
}
# Promises made in words rather than a button name.
PROMISES: dict[str, str] = {
    "lets you pay again": "pay_again",
    "sends you the link again": "verify_payment",
    "to see your balance": "points_history",
    "lets you **resend the shipping email**": "resend_shipping",
    "lets you open an inquiry with the carrier": "open_case",
    "From the order page you can open an inquiry": "open_case",
    "Report it from the order page": "open_case",
    "tell us from the order page": "open_case",
    "report it from the order page": "open_case",
    "On the order page you can correct it": "change_email",
    "correct it from the order page": "change_email",
}
CHOOSE = re.compile(r"\b[Cc]hoose \*([^*]+)\*")


class _FakeAction(OrderAction):
    id = "test_fake_action"
    label = "Do the fake thing"

    def eligibility(self, *, order: Any, actor: Any, now: Any = None) -> Any:
        raise NotImplementedError

    def preview(self, *, order: Any, actor: Any, params: Any) -> ActionPreview:
        raise NotImplementedError

    def perform(
        self, *, order: Any, actor: Any, params: Any, idempotency_key: str | None = None
    ) -> ActionResult:
        raise NotImplementedError


@pytest.fixture
def fake_action_registered() -> Iterator[None]:
    registry.register(_FakeAction)
    yield
    registry._REGISTRY.pop(_FakeAction.id, None)


BLOCK = '{% action "test_fake_action" %}Choose *Do the fake thing*.{% else %}Write to us.{% endaction %}'


def test_a_block_shows_its_fallback_when_the_action_is_not_registered() -> None:
    assert not is_registered("test_fake_action")
    assert render_template(BLOCK, get_policy()) == "Write to us."


def test_a_block_shows_the_action_once_it_is_registered(fake_action_registered: None) -> None:
    assert render_template(BLOCK, get_policy()) == "Choose *Do the fake thing*."


def test_a_block_without_fallback_says_nothing_when_the_action_is_missing() -> None:
    assert render_template('Go{% action "test_fake_action" %} and act{% endaction %}.', get_policy()) == "Go."


def test_a_malformed_block_is_an_article_error() -> None:
    with pytest.raises(ArticleTemplateError):
        render_template("{% action test_fake_action %}x{% endaction %}", get_policy())


@pytest.mark.django_db
def test_a_cached_article_turns_on_when_its_action_is_registered(request: pytest.FixtureRequest) -> None:
    article = Article.objects.create(slug="fake-action", title="Fake", body=BLOCK, category=_any_category())
    assert "Write to us." in render_article(article).text
    request.getfixturevalue("fake_action_registered")
    assert "Do the fake thing" in render_article(article).text


def _any_category() -> Any:
    from shopdesk.helpcenter.models import Category

    return Category.objects.first() or Category.objects.create(slug="misc", name="Misc")


def _rendered_articles() -> list[tuple[str, str, str]]:
    _, articles = load_content()
    return [(a.slug, a.body, render_source(a.body, get_policy()).text) for a in articles]


def test_articles_name_only_known_action_ids() -> None:
    for slug, body, _ in _rendered_articles():
        unknown = action_ids_named(body) - KNOWN_ACTION_IDS
        assert not unknown, (slug, unknown)


def test_no_article_promises_an_action_or_page_that_does_not_exist() -> None:
    """With the real registry: every button an article names belongs to a registered action."""
    false: list[str] = []
    for slug, _, text in _rendered_articles():
        flat = text.replace("**", "")
        for label in CHOOSE.findall(text):
            assert label in CHOICES, f"{slug}: unknown choice *{label}*: add it to CHOICES with its action id"
            action_id = CHOICES[label]
            if action_id is not None and not is_registered(action_id):
                false.append(f"{slug}: choose *{label}* but {action_id!r} is not registered")
        for phrase, action_id in PROMISES.items():
            if phrase.replace("**", "") in flat and not is_registered(action_id):
                false.append(f"{slug}: {phrase!r} but {action_id!r} is not registered")
        if re.search(r"\bchat\b", text, re.IGNORECASE):
            false.append(f"{slug}: mentions a chat, and there is no chat page")
    assert not false, "\n".join(false)


@pytest.mark.django_db
def test_the_change_article_says_what_the_service_does_with_a_bigger_quantity() -> None:
    from shopdesk.core.actors import Actor
    from shopdesk.core.errors import DomainError
    from shopdesk.selfservice.services.change import order_line_change
    from tests.situations import order_with_lines

    text = next(t for slug, _, t in _rendered_articles() if slug == "change-my-order")
    assert "you pay the difference" not in text
    assert "a quantity can go down" in text and "can't be made online" in text
    order = order_with_lines(1)
    line = order.lines.get()
    with pytest.raises(DomainError):
        order_line_change(
            order=order, line_id=line.pk, actor=Actor.customer(order.email), quantity=line.quantity + 1
        )
    line.refresh_from_db()
    assert line.quantity == 1
