"""Writes of the help center: save an article (with its revision), restore a revision, record views
and votes. The admin, the sync command and the pages all go through these functions."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from shopdesk.helpcenter.enums import RevisionOrigin
from shopdesk.helpcenter.models import Article, ArticleRevision, ArticleVote, UnansweredSearch

_REVISED_FIELDS = ("title", "seed", "keywords", "body")


def _next_revision_number(article: Article) -> int:
    # Read under the article's row lock (taken by the caller) so two saves never share a number.
    last = article.revisions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def article_save(
    *, article: Article, origin: RevisionOrigin, author: Any = None, note: str = ""
) -> ArticleRevision:
    """Save the article as it is in memory and record the result as a new revision."""
    if article.pk:
        Article.objects.select_for_update().filter(pk=article.pk).first()
        number = _next_revision_number(article)
    else:
        number = 1
    article.revision = number
    article.save()
    return ArticleRevision.objects.create(
        article=article,
        number=number,
        title=article.title,
        seed=article.seed,
        keywords=article.keywords,
        body=article.body,
        category_slug=article.category.slug,
        origin=origin,
        author=author if getattr(author, "pk", None) else None,
        note=note[:200],
    )


@transaction.atomic
def article_revision_restore(*, revision: ArticleRevision, author: Any = None) -> ArticleRevision:
    """Put an earlier revision's text back; the restore is itself a new revision, so it can be undone."""
    article = Article.objects.select_for_update().select_related("category").get(pk=revision.article_id)
    for name in _REVISED_FIELDS:
        setattr(article, name, getattr(revision, name))
    return article_save(
        article=article,
        origin=RevisionOrigin.RESTORE,
        author=author,
        note=f"restored revision {revision.number}",
    )


def article_view_record(*, article: Article) -> None:
    # F() so concurrent readers never lose counts; .update() leaves updated_at (and the caches) alone.
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)


def voter_id(session_key: str) -> str:
    return hashlib.sha256(f"helpcenter-vote:{session_key}".encode()).hexdigest()


def article_vote(*, article: Article, session_key: str, helpful: bool) -> bool:
    """Count one "Was this helpful?" answer per session; False when this session had already voted."""
    try:
        with transaction.atomic():
            ArticleVote.objects.create(article=article, voter=voter_id(session_key), helpful=helpful)
    except IntegrityError:
        return False
    counter = "helpful_yes" if helpful else "helpful_no"
    Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    return True


_EMAIL = re.compile(r"\S+@\S+")
_LONG_NUMBER = re.compile(r"[A-Za-z]{0,4}\d{5,}")


def unanswered_search_record(*, query: str) -> None:
    """Count a search without results (masked, lower-case), once per query and day, race-safe."""
    from django.utils import timezone

    masked = _LONG_NUMBER.sub("#", _EMAIL.sub("[email]", " ".join(query.lower().split())))[:200]
    if not masked:
        return
    day = timezone.localdate()
    if UnansweredSearch.objects.filter(query=masked, day=day).update(times=F("times") + 1):
        return
    try:
        with transaction.atomic():
            UnansweredSearch.objects.create(query=masked, day=day)
    except IntegrityError:  # another request created it meanwhile
        UnansweredSearch.objects.filter(query=masked, day=day).update(times=F("times") + 1)
