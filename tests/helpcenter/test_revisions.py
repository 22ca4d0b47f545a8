"""Every save is a revision; restoring one puts its text back as a new revision; the admin shows them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from shopdesk.helpcenter.enums import RevisionOrigin
from shopdesk.helpcenter.models import Article, ArticleRevision
from shopdesk.helpcenter.services import article_revision_restore, article_save

pytestmark = pytest.mark.usefixtures("help_content")


@pytest.fixture
def admin_client() -> Client:
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_each_save_writes_a_numbered_revision() -> None:
    article = Article.objects.select_related("category").get(slug="about-us")
    article.title = "About KWOKING"
    revision = article_save(article=article, origin=RevisionOrigin.ADMIN)
    assert revision.number == 2 and revision.title == "About KWOKING"
    assert article.revision == 2


def test_restoring_a_revision_brings_its_text_back_as_a_new_revision() -> None:
    article = Article.objects.select_related("category").get(slug="about-us")
    original = article.revisions.get(number=1)
    article.body = "Replaced."
    article_save(article=article, origin=RevisionOrigin.ADMIN)

    restored = article_revision_restore(revision=original)
    article.refresh_from_db()
    assert article.body == original.body and restored.number == 3
    assert restored.origin == RevisionOrigin.RESTORE


def test_admin_edit_creates_a_revision_with_its_author(admin_client: Client) -> None:
    article = Article.objects.get(slug="about-us")
    page = admin_client.get(f"/admin/helpcenter/article/{article.pk}/change/")
    assert page.status_code == 200 and "view / restore" in page.content.decode()
    form = {
        "title": article.title,
        "slug": article.slug,
        "category": article.category_id,
        "seed": article.seed,
        "keywords": article.keywords,
        "body": article.body + "\nNew line from the admin.",
        "position": 5,
        "self_service": "",
        "is_published": "on",
        "related": [r.pk for r in article.related.all()],
        "revisions-TOTAL_FORMS": 1,
        "revisions-INITIAL_FORMS": 1,
        "revisions-MIN_NUM_FORMS": 0,
        "revisions-MAX_NUM_FORMS": 1000,
        "revisions-0-id": article.revisions.get().pk,
        "revisions-0-article": article.pk,
    }
    response = admin_client.post(f"/admin/helpcenter/article/{article.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = article.revisions.order_by("-number").first()
    assert latest is not None and latest.number == 2 and latest.author is not None
    assert latest.origin == RevisionOrigin.ADMIN


def test_admin_rejects_an_unknown_policy_variable(admin_client: Client) -> None:
    article = Article.objects.get(slug="about-us")
    form = {
        "title": article.title,
        "slug": article.slug,
        "category": article.category_id,
        "seed": article.seed,
        "keywords": "",
        "body": "Returns within {{ returns.windw_days }} days.",
        "position": 5,
        "is_published": "on",
        "revisions-TOTAL_FORMS": 0,
        "revisions-INITIAL_FORMS": 0,
        "revisions-MIN_NUM_FORMS": 0,
        "revisions-MAX_NUM_FORMS": 1000,
    }
    response = admin_client.post(f"/admin/helpcenter/article/{article.pk}/change/", form)
    assert response.status_code == 200
    assert "unknown policy variable(s): returns.windw_days" in response.content.decode()


def test_revisions_are_listed_and_restorable_in_the_admin(admin_client: Client) -> None:
    article = Article.objects.select_related("category").get(slug="about-us")
    first = article.revisions.get(number=1)
    article.body = "Replaced."
    article_save(article=article, origin=RevisionOrigin.ADMIN)
    listing = admin_client.get("/admin/helpcenter/articlerevision/", {"q": "about-us"})
    assert listing.status_code == 200 and "Edited in the admin" in listing.content.decode()
    assert admin_client.get(f"/admin/helpcenter/articlerevision/{first.pk}/change/").status_code == 200
    response = admin_client.post(
        "/admin/helpcenter/articlerevision/", {"action": "restore_revision", "_selected_action": [first.pk]}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == first.body
    assert ArticleRevision.objects.filter(article=article).count() == 3


def test_votes_and_views_are_visible_in_the_admin_list(admin_client: Client) -> None:
    Article.objects.filter(slug="about-us").update(helpful_yes=7, views=31)
    page = admin_client.get("/admin/helpcenter/article/", {"q": "About us"}).content.decode()
    assert "31" in page and "7" in page
