"""API router: the help center, under /api/v1/help (search, one article, categories). Public, read-only."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from shopdesk.core.errors import InvalidInput
from shopdesk.helpcenter import selectors
from shopdesk.helpcenter.rendering import render_article
from shopdesk.helpcenter.search import search_articles
from shopdesk.helpcenter.search.service import cut_query
from shopdesk.helpcenter.services import unanswered_search_record

router = Router(tags=["help"])

# Long pasted questions are accepted and cut by the search itself (MAX_QUERY_CHARS); this bound only
# refuses what cannot be a question (a 422 past it).
MAX_QUERY_LENGTH = 4000


class SearchParams(Schema):
    q: str = Field(min_length=1, max_length=MAX_QUERY_LENGTH, description="The customer's question or words.")
    limit: int = Field(10, ge=1, le=50)


class ArticleLink(Schema):
    slug: str
    title: str
    url: str


class SearchHit(ArticleLink):
    snippet: str
    score: float
    category: str


class SearchOut(Schema):
    query: str
    count: int
    results: list[SearchHit]


class CategoryRef(Schema):
    slug: str
    name: str
    url: str


class ArticleOut(Schema):
    slug: str
    title: str
    url: str
    category: CategoryRef
    html: str = Field(description="Sanitised HTML, rendered with the store's current policy.")
    text: str = Field(description="The same answer as plain text.")
    self_service: bool
    related: list[ArticleLink]
    updated_at: dt.datetime


class CategoryOut(CategoryRef):
    description: str
    articles: list[ArticleLink]


def _link(article: object) -> ArticleLink:
    return ArticleLink(slug=article.slug, title=article.title, url=article.get_absolute_url())  # type: ignore[attr-defined]


@router.get("/search", response=SearchOut, summary="Search the help center")
def search(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    query = cut_query(params.q)
    if not query:
        raise InvalidInput("Type a few words to search for.", code="empty_query")
    results, total = search_articles(query, limit=params.limit)
    if not total:
        unanswered_search_record(query=query)
    hits = [
        SearchHit(
            slug=r.article.slug,
            title=r.article.title,
            url=r.article.get_absolute_url(),
            snippet=r.snippet,
            score=r.score,
            category=r.article.category.name,
        )
        for r in results
    ]
    return SearchOut(query=query, count=total, results=hits)


@router.get("/articles/{slug}", response=ArticleOut, summary="One article, rendered with the store policy")
def article(request: HttpRequest, slug: str) -> ArticleOut:
    found = selectors.article_get(slug=slug)
    rendered = render_article(found)
    return ArticleOut(
        slug=found.slug,
        title=found.title,
        url=found.get_absolute_url(),
        category=CategoryRef(
            slug=found.category.slug, name=found.category.name, url=found.category.get_absolute_url()
        ),
        html=rendered.html,
        text=rendered.text,
        self_service=found.self_service,
        related=[_link(r) for r in getattr(found, "published_related", [])],
        updated_at=found.updated_at,
    )


@router.get("/categories", response=list[CategoryOut], summary="Categories with their articles")
def categories(request: HttpRequest) -> list[CategoryOut]:
    return [
        CategoryOut(
            slug=c.slug,
            name=c.name,
            url=c.get_absolute_url(),
            description=c.description,
            articles=[_link(a) for a in c.published],  # type: ignore[attr-defined]
        )
        for c in selectors.categories_with_articles()
    ]
