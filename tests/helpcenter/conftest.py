"""Help-center fixtures: the seeded articles, and where the shared seed page lives (when present)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopdesk.helpcenter.models import Article
from shopdesk.helpcenter.sync import content_sync

# The project's shared folder sits beside the repository; tests that need it skip without it.
SHARED_DIR = Path(__file__).resolve().parents[2].parent / "shared"
SEED_PAGE = SHARED_DIR / "seed" / "help-center.txt"


def seed_page_questions(path: Path = SEED_PAGE) -> list[str]:
    """Every "- " line of the store's help page: one question or section each."""
    return [
        line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("- ")
    ]


@pytest.fixture
def help_content(db: None) -> None:
    """The package's articles in the database (post_migrate seeds them; a flushed database is re-seeded)."""
    if not Article.objects.exists():
        content_sync()
