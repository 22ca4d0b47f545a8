"""Reads of the help center, each returning rows with what the page needs already fetched (no N+1)."""

from __future__ import annotations

from django.db.models import F, Prefetch, QuerySet

from shopdesk.core.errors import NotFound
from shopdesk.helpcenter.models import Article, Category

POPULAR_COUNT = 6


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(is_published=True)


def categories_with_articles() -> list[Category]:
    articles = (
        published_articles()
        .order_by("position", "title")
        .only("id", "slug", "title", "position", "category_id", "self_service")
    )
    return list(
        Category.objects.prefetch_related(Prefetch("articles", queryset=articles, to_attr="published"))
    )


def popular_articles(limit: int = POPULAR_COUNT) -> list[Article]:
    """Most useful first: helpful votes weigh like ten views, unhelpful ones count against."""
    popularity = F("views") + 10 * F("helpful_yes") - 5 * F("helpful_no")
    return list(
        published_articles()
        .select_related("category")
        .annotate(popularity=popularity)
        .order_by("-popularity", "category__position", "position")[:limit]
    )


def category_get(*, slug: str) -> Category:
    articles = published_articles().order_by("position", "title")
    category = (
        Category.objects.prefetch_related(Prefetch("articles", queryset=articles, to_attr="published"))
        .filter(slug=slug)
        .first()
    )
    if category is None:
        raise NotFound("There is no such help-center category.", code="category_not_found")
    return category


def article_get(*, slug: str) -> Article:
    related = published_articles().select_related("category").order_by("position")
    article = (
        published_articles()
        .select_related("category")
        .prefetch_related(Prefetch("related", queryset=related, to_attr="published_related"))
        .filter(slug=slug)
        .first()
    )
    if article is None:
        raise NotFound("There is no such help-center article.", code="article_not_found")
    return article
