"""Seed the help center right after `migrate` creates its tables, so a fresh install has its articles."""

from __future__ import annotations

from typing import Any

from django.db import connections


def seed_after_migrate(*, using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    # `plan` is only passed by `migrate`: a test-case `flush` also sends post_migrate, and re-seeding
    # after every flush would slow every transactional test of the project.
    if plan is None:
        return
    from shopdesk.helpcenter.models import Article, Category
    from shopdesk.helpcenter.sync import content_sync

    tables = connections[using].introspection.table_names()
    if Article._meta.db_table not in tables or Category._meta.db_table not in tables:
        return  # migrated backwards, or not this far yet
    if Article.objects.using(using).exists() or using != "default":
        return
    content_sync()
