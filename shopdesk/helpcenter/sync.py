"""Seed and re-sync the database from the package's article files without losing admin edits.

For each article, three hashes decide: the file's content now, the row's content now, and the file
content at the last sync (`synced_hash`). Row unchanged since the last sync → take the file. File
unchanged → keep the admin's edit. Both changed → a conflict, reported and left alone unless forced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from shopdesk.helpcenter.content import (
    CONTENT_DIR,
    ArticleSource,
    CategorySource,
    content_hash,
    load_content,
    source_hash,
)
from shopdesk.helpcenter.enums import RevisionOrigin
from shopdesk.helpcenter.models import Article, Category
from shopdesk.helpcenter.services import article_save


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_local_edits: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    categories_created: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.kept_local_edits)} kept admin edits, {len(self.conflicts)} conflicts, "
            f"{len(self.overwritten)} overwritten"
        )


def row_hash(article: Article) -> str:
    return content_hash(
        title=article.title,
        seed=article.seed,
        keywords=article.keywords,
        body=article.body,
        category=article.category.slug,
        position=article.position,
        self_service=article.self_service,
        related=[r.slug for r in article.related.all()],
    )


def _apply(article: Article, source: ArticleSource, category: Category) -> None:
    article.category = category
    article.title = source.title
    article.seed = source.seed
    article.keywords = source.keywords_text
    article.body = source.body
    article.position = source.position
    article.self_service = source.self_service


def _sync_categories(sources: list[CategorySource], report: SyncReport) -> dict[str, Category]:
    categories = {c.slug: c for c in Category.objects.all()}
    for source in sources:
        category = categories.get(source.slug)
        if category is None:
            categories[source.slug] = Category.objects.create(
                slug=source.slug, name=source.name, description=source.description, position=source.position
            )
            report.categories_created.append(source.slug)
    return categories


@transaction.atomic
def content_sync(*, directory: Path = CONTENT_DIR, force: bool = False) -> SyncReport:
    """Bring the database in line with the files; see the module docstring for the rules."""
    category_sources, article_sources = load_content(directory)
    report = SyncReport()
    categories = _sync_categories(category_sources, report)
    existing = {a.slug: a for a in Article.objects.select_related("category").prefetch_related("related")}
    touched: list[tuple[Article, ArticleSource]] = []
    for source in article_sources:
        file_hash = source_hash(source)
        article = existing.get(source.slug)
        if article is None:
            article = Article(slug=source.slug)
            _apply(article, source, categories[source.category])
            article.synced_hash = file_hash
            article_save(article=article, origin=RevisionOrigin.FILE, note="created from the package files")
            report.created.append(source.slug)
            touched.append((article, source))
            continue
        current = row_hash(article)
        if current == file_hash:
            if article.synced_hash != file_hash:
                Article.objects.filter(pk=article.pk).update(synced_hash=file_hash)
            report.unchanged.append(source.slug)
            continue
        edited_in_admin = current != article.synced_hash
        file_changed = file_hash != article.synced_hash
        if edited_in_admin and not file_changed:
            report.kept_local_edits.append(source.slug)
            continue
        if edited_in_admin and not force:
            report.conflicts.append(source.slug)
            continue
        _apply(article, source, categories[source.category])
        article.synced_hash = file_hash
        note = (
            "overwritten from the package files (--force)"
            if edited_in_admin
            else "updated from the package files"
        )
        article_save(article=article, origin=RevisionOrigin.FILE, note=note)
        (report.overwritten if edited_in_admin else report.updated).append(source.slug)
        touched.append((article, source))
    # Related links point at other articles, so they are set once every article exists.
    by_slug = {a.slug: a for a in Article.objects.all()}
    for article, source in touched:
        article.related.set([by_slug[slug] for slug in source.related if slug in by_slug])
    return report


def content_is_seeded() -> bool:
    return Article.objects.exists()
