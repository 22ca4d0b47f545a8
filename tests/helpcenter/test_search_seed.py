"""Searching a seed question's exact text returns its article first."""

from __future__ import annotations

import pytest

from shopdesk.helpcenter.content import load_content
from shopdesk.helpcenter.search import search_articles
from tests.helpcenter.conftest import SEED_PAGE, seed_page_questions

pytestmark = pytest.mark.usefixtures("help_content")


def test_every_seed_line_stored_in_the_content_finds_its_article_first() -> None:
    _, articles = load_content()
    for article in articles:
        results, _ = search_articles(article.seed, limit=3)
        assert results and results[0].article.slug == article.slug, article.seed


def test_every_line_of_the_shared_help_page_finds_its_article_first() -> None:
    if not SEED_PAGE.exists():
        pytest.skip("the shared seed page is not beside the repository")
    _, articles = load_content()
    by_seed = {a.seed.replace("’", "'"): a.slug for a in articles}
    questions = seed_page_questions()
    assert len(questions) == len(articles)
    for question in questions:
        results, _ = search_articles(question, limit=3)
        assert results[0].article.slug == by_seed[question.replace("’", "'")], question


def test_the_page_title_customer_service_leads_to_contact() -> None:
    results, _ = search_articles("Customer Service", limit=1)
    assert results[0].article.slug == "contact-customer-care"
