"""`shopdesk helpcenter sync`: seeds from the files, updates what only the files changed, keeps admin edits,
reports conflicts, and overwrites them only with --force."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from shopdesk.helpcenter.content import CONTENT_DIR
from shopdesk.helpcenter.enums import RevisionOrigin
from shopdesk.helpcenter.models import Article, ArticleRevision, Category
from shopdesk.helpcenter.services import article_save
from shopdesk.helpcenter.sync import content_sync


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the package's article files."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _edit_file(directory: Path, slug: str, old: str, new: str) -> None:
    path = next(directory.glob(f"*/{slug}.md"))
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _edit_in_admin(slug: str, text: str) -> None:
    article = Article.objects.select_related("category").get(slug=slug)
    article.body += f"\n{text}\n"
    article_save(article=article, origin=RevisionOrigin.ADMIN, note="test edit")


@pytest.mark.django_db
def test_sync_seeds_an_empty_database() -> None:
    Article.objects.all().delete()
    Category.objects.all().delete()
    report = content_sync()
    assert len(report.created) == 47 and Category.objects.count() == 5
    article = Article.objects.get(slug="return-an-item")
    assert article.seed == "How do I return an item?"
    assert article.related.filter(slug="return-policy").exists()
    assert article.revisions.get().origin == RevisionOrigin.FILE
    assert content_sync().unchanged and not content_sync().updated, "a second sync changes nothing"


@pytest.mark.django_db
def test_post_migrate_seeded_the_test_database() -> None:
    assert Article.objects.filter(slug="where-is-my-order").exists()


@pytest.mark.usefixtures("help_content")
def test_a_file_change_updates_an_article_nobody_edited(content_copy: Path) -> None:
    _edit_file(content_copy, "about-us", "Questions, ideas or feedback?", "Any questions, ideas or feedback?")
    report = content_sync(directory=content_copy)
    assert report.updated == ["about-us"]
    article = Article.objects.get(slug="about-us")
    assert "Any questions" in article.body and article.revisions.count() == 2


@pytest.mark.usefixtures("help_content")
def test_an_admin_edit_survives_a_sync_when_the_file_did_not_change(content_copy: Path) -> None:
    _edit_in_admin("about-us", "Edited by the store.")
    report = content_sync(directory=content_copy)
    assert report.kept_local_edits == ["about-us"] and not report.conflicts
    assert "Edited by the store." in Article.objects.get(slug="about-us").body


@pytest.mark.usefixtures("help_content")
def test_both_changed_is_a_conflict_reported_and_not_overwritten(content_copy: Path) -> None:
    _edit_in_admin("about-us", "Edited by the store.")
    _edit_file(content_copy, "about-us", "Questions, ideas or feedback?", "Any questions?")
    report = content_sync(directory=content_copy)
    assert report.conflicts == ["about-us"]
    assert "Edited by the store." in Article.objects.get(slug="about-us").body

    forced = content_sync(directory=content_copy, force=True)
    assert forced.overwritten == ["about-us"]
    article = Article.objects.get(slug="about-us")
    assert "Edited by the store." not in article.body and "Any questions?" in article.body
    # The admin's text is not lost: it is still in the revision history.
    assert ArticleRevision.objects.filter(article=article, body__contains="Edited by the store.").exists()


@pytest.mark.usefixtures("help_content")
def test_the_command_reports_conflicts(content_copy: Path) -> None:
    _edit_in_admin("wholesale-discount", "Edited by the store.")
    _edit_file(content_copy, "wholesale-discount", "with a quote", "with a written quote")
    out, err = StringIO(), StringIO()
    call_command("helpcenter", "sync", "--content", str(content_copy), stdout=out, stderr=err)
    assert "CONFLICT: wholesale-discount" in err.getvalue()
    assert "1 conflicts" in out.getvalue()
    assert "Edited by the store." in Article.objects.get(slug="wholesale-discount").body
