"""Help-center pages: what a shopper sees without JavaScript, the security headers, and query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from shopdesk.helpcenter.models import Article, ArticleVote
from tests.html import only_package_scripts

pytestmark = pytest.mark.usefixtures("help_content")

PAGES = [
    "/help/",
    "/help/categories/returns/",
    "/help/articles/return-an-item/",
    "/help/search/?q=refund",
    "/help/search/?q=zzzxqv",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_with_a_strict_csp_and_no_inline_script_or_style(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = response.content.decode()
    assert only_package_scripts(html) and "<style" not in html and " style=" not in html
    assert 'href="/static/web/helpcenter.css"' in html
    assert '<main id="main"' in html
    if not url.startswith("/help/articles/"):
        assert 'role="search"' in html


def test_home_lists_categories_popular_questions_and_a_search_box() -> None:
    Article.objects.filter(slug="cancel-my-order").update(helpful_yes=50)
    html = Client().get("/help/").content.decode()
    assert "Popular questions" in html and "Browse by topic" in html
    popular = html.split("Popular questions", 1)[1].split("</ul>", 1)[0]
    assert "How can I cancel my order?" in popular.split("</li>")[0]
    for name in ("Orders", "Shipping", "Returns &amp; refunds", "Payments &amp; promotions", "Company"):
        assert name in html
    assert '<label for="help-q"' in html


def test_article_page_has_breadcrumbs_related_and_the_self_service_link() -> None:
    html = Client().get("/help/articles/return-an-item/").content.decode()
    assert 'aria-label="Breadcrumb"' in html and 'href="/help/categories/returns/"' in html
    assert "<h1" in html and html.count("<h1") == 1
    assert "Related questions" in html and 'href="/help/articles/return-policy/"' in html
    assert 'href="/orders/"' in html and "Find your order" in html
    assert "Was this helpful?" in html


def test_viewing_an_article_counts_a_view() -> None:
    Client().get("/help/articles/about-us/")
    assert Article.objects.get(slug="about-us").views == 1


def test_voting_works_without_javascript_and_only_once_per_session() -> None:
    client = Client()
    response = client.post("/help/articles/about-us/vote/", {"helpful": "yes"})
    assert response.status_code == 302 and response["Location"] == "/help/articles/about-us/#feedback"
    page = client.get("/help/articles/about-us/").content.decode()
    assert "Thanks for your feedback!" in page and "Was this helpful?" not in page
    client.post("/help/articles/about-us/vote/", {"helpful": "no"})
    article = Article.objects.get(slug="about-us")
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    Client().post("/help/articles/about-us/vote/", {"helpful": "no"})  # another browser
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 1) and ArticleVote.objects.count() == 2


def test_a_vote_needs_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/help/articles/about-us/vote/", {"helpful": "yes"}).status_code == 403


def test_search_results_have_highlighted_snippets() -> None:
    html = Client().get("/help/search/", {"q": "refund"}).content.decode()
    assert "Results for “refund”" in html and "<mark>" in html
    assert 'href="/help/articles/when-will-i-get-my-refund/"' in html


def test_search_paginates() -> None:
    client = Client()
    first = client.get("/help/search/", {"q": "order"}).content.decode()
    assert "page 1 of" in first and 'rel="next"' in first
    second = client.get("/help/search/", {"q": "order", "page": 2}).content.decode()
    assert "page 2 of" in second and 'rel="prev"' in second
    assert '<ol class="help-results" start="11">' in second


def test_no_results_suggests_contact_and_popular_articles() -> None:
    html = Client().get("/help/search/", {"q": "zzzxqv"}).content.decode()
    assert "No articles match" in html and "care@kwoking.example" in html
    assert "Popular questions" in html and 'href="/orders/"' in html


def test_search_query_is_escaped() -> None:
    html = Client().get("/help/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_unknown_pages_are_404() -> None:
    assert Client().get("/help/articles/nope/").status_code == 404
    assert Client().get("/help/categories/nope/").status_code == 404


def test_home_category_and_article_have_no_n_plus_one(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.get("/help/articles/return-an-item/")  # warm the render cache
    # and the search index: built by the process's first search (two reads), not by an article page.
    client.get("/help/search/", {"q": "parcel"})
    with django_assert_max_num_queries(3):
        client.get("/help/")
    with django_assert_max_num_queries(2):
        client.get("/help/categories/returns/")
    # Article, related articles, the view counter, and the session.
    with django_assert_max_num_queries(4):
        client.get("/help/articles/return-an-item/")
    with django_assert_max_num_queries(3):
        client.get("/help/search/", {"q": "refund"})
