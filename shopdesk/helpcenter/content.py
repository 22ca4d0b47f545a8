"""The article files shipped in the package: `content/categories.toml` and `content/<category>/<slug>.md`.

Each article file starts with TOML front matter between `+++` lines (title, seed, category, order,
related, self_service, keywords), then the Markdown body with policy variables.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CONTENT_DIR = Path(__file__).with_name("content")
_FRONT_MATTER_KEYS = {"title", "seed", "category", "order", "related", "self_service", "keywords"}


class ContentError(ValueError):
    """An article file is malformed; the message names the file."""


@dataclass(frozen=True)
class CategorySource:
    slug: str
    name: str
    description: str
    position: int


@dataclass(frozen=True)
class ArticleSource:
    slug: str
    category: str
    title: str
    seed: str
    body: str
    position: int = 0
    self_service: bool = False
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = field(default=())

    @property
    def keywords_text(self) -> str:
        return ", ".join(self.keywords)


def content_hash(
    *,
    title: str,
    seed: str,
    keywords: str,
    body: str,
    category: str,
    position: int,
    self_service: bool,
    related: list[str] | tuple[str, ...],
) -> str:
    """One hash over everything sync writes, computed the same way for a file and for a database row."""
    payload = json.dumps(
        [title, seed, keywords, body.strip(), category, position, self_service, sorted(related)],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def source_hash(article: ArticleSource) -> str:
    return content_hash(
        title=article.title,
        seed=article.seed,
        keywords=article.keywords_text,
        body=article.body,
        category=article.category,
        position=article.position,
        self_service=article.self_service,
        related=article.related,
    )


def parse_article(path: Path, category: str) -> ArticleSource:
    text = path.read_text(encoding="utf-8")
    parts = text.split("+++", 2)
    if not text.startswith("+++") or len(parts) < 3:
        raise ContentError(f"{path.name}: must start with front matter between +++ lines")
    try:
        meta = tomllib.loads(parts[1])
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: front matter is not TOML: {exc}") from None
    unknown = set(meta) - _FRONT_MATTER_KEYS
    if unknown:
        raise ContentError(f"{path.name}: unknown front-matter key(s) {sorted(unknown)}")
    if meta.get("category", category) != category:
        raise ContentError(f"{path.name}: category {meta['category']!r} but the file is in {category!r}/")
    if "title" not in meta:
        raise ContentError(f"{path.name}: title is missing")
    return ArticleSource(
        slug=path.stem,
        category=category,
        title=str(meta["title"]),
        seed=str(meta.get("seed", "")),
        body=parts[2].strip() + "\n",
        position=int(meta.get("order", 0)),
        self_service=bool(meta.get("self_service", False)),
        keywords=tuple(str(k) for k in meta.get("keywords", [])),
        related=tuple(str(r) for r in meta.get("related", [])),
    )


def load_content(directory: Path = CONTENT_DIR) -> tuple[list[CategorySource], list[ArticleSource]]:
    """Every category and article in the package, validated: unknown categories or related slugs fail."""
    raw = tomllib.loads((directory / "categories.toml").read_text(encoding="utf-8"))
    categories = [
        CategorySource(slug=c["slug"], name=c["name"], description=c.get("description", ""), position=index)
        for index, c in enumerate(raw["category"])
    ]
    articles = [
        parse_article(path, category.slug)
        for category in categories
        for path in sorted((directory / category.slug).glob("*.md"))
    ]
    slugs = {a.slug for a in articles}
    if len(slugs) != len(articles):
        raise ContentError("two article files share a slug")
    for article in articles:
        missing = set(article.related) - slugs
        if missing:
            raise ContentError(f"{article.slug}.md: related article(s) {sorted(missing)} do not exist")
    return categories, articles
