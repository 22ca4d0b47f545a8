"""Help-center tables: categories, articles (Markdown source with policy variables), every saved
revision of an article, and one helpful/not-helpful vote per browser session per article."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from shopdesk.helpcenter.enums import RevisionOrigin


class Category(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/help/categories/{self.slug}/"


class Article(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField(max_length=200)
    # The store's original help-page line, kept verbatim: customers search with its wording.
    seed = models.CharField(max_length=300, blank=True)
    keywords = models.TextField(
        blank=True, help_text="Other words customers use, comma separated (search only)."
    )
    body = models.TextField(help_text="Markdown with policy variables, e.g. {{ returns.window_days }}.")
    position = models.PositiveIntegerField(default=0)
    self_service = models.BooleanField(
        default=False, help_text="The question concerns the customer's own order: link to the order lookup."
    )
    is_published = models.BooleanField(default=True)
    related = models.ManyToManyField("self", symmetrical=False, blank=True)
    # Bumped by every save through the services; part of the rendered-HTML cache key.
    revision = models.PositiveIntegerField(default=0)
    # Hash of the package file's content at the last sync: tells admin edits from file changes.
    synced_hash = models.CharField(max_length=64, blank=True, editable=False)
    views = models.PositiveIntegerField(default=0)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__position", "position", "title"]
        indexes = [models.Index(fields=["is_published", "category", "position"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/help/articles/{self.slug}/"

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.replace("\n", ",").split(",") if word.strip()]


class ArticleRevision(models.Model):
    """A snapshot of an article's editable text after one save; restoring one writes a new revision."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    seed = models.CharField(max_length=300, blank=True)
    keywords = models.TextField(blank=True)
    body = models.TextField()
    category_slug = models.SlugField(max_length=80)
    origin = models.CharField(max_length=16, choices=RevisionOrigin.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="helpcenter_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} r{self.number}"


class ArticleVote(models.Model):
    """One "Was this helpful?" answer. The unique key makes "one vote per session" hold under races."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    # SHA-256 of the session key: enough to deduplicate, useless to hijack a session.
    voter = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "voter"], name="helpcenter_one_vote_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.article.slug}: {'yes' if self.helpful else 'no'}"


class UnansweredSearch(models.Model):
    """A help-center search that found nothing, counted per day: what the articles don't answer yet.

    The query is kept lower-case with email addresses and long numbers masked (they name a person or
    an order, and say nothing about what is missing)."""

    query = models.CharField(max_length=200)
    day = models.DateField()
    times = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["query", "day"], name="helpcenter_unanswered_once_a_day")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.query} ({self.day}: {self.times})"
