"""/api/v1/help: search, one article, categories; clear 422s for bad queries."""

from __future__ import annotations

import pytest
from django.test import Client

from shopdesk.helpcenter.models import Article

pytestmark = pytest.mark.usefixtures("help_content")


def test_search_returns_ranked_articles_with_snippets() -> None:
    response = Client().get("/api/v1/help/search", {"q": "how do I return an item", "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "how do I return an item" and body["count"] >= 3
    first = body["results"][0]
    assert first["slug"] == "return-an-item" and first["url"] == "/help/articles/return-an-item/"
    assert first["snippet"] and first["score"] > 0 and first["category"] == "Returns & refunds"
    assert len(body["results"]) == 3
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "   "},
        {"q": "x" * 4001},
        {},
        {"q": "returns", "limit": 0},
        {"q": "returns", "limit": 51},
    ],
)
def test_empty_oversized_or_missing_queries_are_a_clear_422(params: dict[str, object]) -> None:
    response = Client().get("/api/v1/help/search", params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] in {"invalid_input", "empty_query"} and error["message"]


def test_search_with_no_match_is_an_empty_list() -> None:
    body = Client().get("/api/v1/help/search", {"q": "zzzxqv"}).json()
    assert body == {"query": "zzzxqv", "count": 0, "results": []}


def test_article_comes_rendered_with_category_and_related() -> None:
    body = Client().get("/api/v1/help/articles/return-policy").json()
    assert body["title"] == "Return policy" and body["category"]["slug"] == "returns"
    assert "<li>" in body["html"] and "{{" not in body["html"]
    assert "within 30 days of delivery" in body["text"] and "<" not in body["text"]
    assert {
        "slug": "return-an-item",
        "title": "How do I return an item?",
        "url": "/help/articles/return-an-item/",
    } in body["related"]
    assert body["updated_at"] and body["self_service"] is False


def test_unknown_and_unpublished_articles_are_404() -> None:
    assert Client().get("/api/v1/help/articles/no-such-thing").status_code == 404
    Article.objects.filter(slug="about-us").update(is_published=False)
    response = Client().get("/api/v1/help/articles/about-us")
    assert response.status_code == 404 and response.json()["error"]["code"] == "article_not_found"


def test_categories_list_their_articles_in_order() -> None:
    body = Client().get("/api/v1/help/categories").json()
    assert [c["slug"] for c in body] == ["orders", "shipping", "returns", "payments", "company"]
    assert body[0]["articles"][0]["slug"] == "tracking-order"
    assert sum(len(c["articles"]) for c in body) == 47


def test_the_endpoints_are_in_the_openapi_document() -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/help/search", "/api/v1/help/articles/{slug}", "/api/v1/help/categories"} <= set(paths)
