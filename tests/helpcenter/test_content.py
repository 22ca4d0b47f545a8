"""The package's article files: every seed question has an article, and every article renders with the policy."""

from __future__ import annotations

import re

import pytest

from shopdesk.helpcenter.content import load_content
from shopdesk.helpcenter.rendering import render_source
from shopdesk.helpcenter.templating import render_template
from shopdesk.policy import get_policy
from tests.helpcenter.conftest import SEED_PAGE, seed_page_questions

CATEGORIES, ARTICLES = load_content()


def test_categories_are_the_five_of_the_help_page() -> None:
    assert [c.name for c in CATEGORIES] == [
        "Orders",
        "Shipping",
        "Returns & refunds",
        "Payments & promotions",
        "Company",
    ]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.slug)
def test_every_article_renders_with_every_variable_known(article) -> None:  # type: ignore[no-untyped-def]
    text = render_template(article.body, get_policy(), strict=True)
    assert "{{" not in text and "{%" not in text
    rendered = render_source(article.body, get_policy())
    assert len(rendered.text.split()) > 40, "an answer, not a stub"


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.slug)
def test_internal_links_point_at_existing_articles(article) -> None:  # type: ignore[no-untyped-def]
    slugs = {a.slug for a in ARTICLES}
    for slug in re.findall(r"/help/articles/([a-z0-9-]+)/", article.body):
        assert slug in slugs, f"{article.slug} links to a missing article {slug}"


def test_self_service_articles_link_to_the_order_lookup() -> None:
    for article in ARTICLES:
        if article.self_service:
            assert "{{ links.order_lookup }}" in article.body, article.slug


def test_every_seed_line_of_the_shared_help_page_has_its_own_article() -> None:
    if not SEED_PAGE.exists():
        pytest.skip("the shared seed page is not beside the repository")
    seeds = {a.seed.replace("’", "'") for a in ARTICLES}
    for question in seed_page_questions():
        assert question.replace("’", "'") in seeds, question


def test_titles_fix_the_seed_grammar() -> None:
    titles = {a.seed: a.title for a in ARTICLES}
    assert (
        titles["Why I didn’t get an email about my order delivery?"]
        == "Why didn't I get an email about my order delivery?"
    )
    assert titles["Can I use one more than one discount?"] == "Can I use more than one discount?"
    assert titles["Why my payment was declined?"] == "Why was my payment declined?"


def test_the_return_article_keeps_the_stores_conditions_and_adds_steps() -> None:
    article = next(a for a in ARTICLES if a.slug == "return-an-item")
    text = render_source(article.body, get_policy()).text
    policy = get_policy()
    assert policy.returns.right_to_refuse in text
    for condition in policy.returns.conditions:
        assert condition in text
    assert "30 days" in text and "$6.95" in text
    assert "Start your return" in text
    for item in policy.returns.non_returnable:
        assert item.name.lower() in text
