"""Admin for help-center content: edit articles (each save is a revision), see votes and views,
browse and restore revisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from shopdesk.helpcenter.enums import RevisionOrigin
from shopdesk.helpcenter.models import Article, ArticleRevision, Category
from shopdesk.helpcenter.services import article_revision_restore, article_save
from shopdesk.helpcenter.templating import ArticleTemplateError, render_template
from shopdesk.policy import get_policy


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin shows every editable field

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        try:
            # Strict: a misspelt variable would otherwise vanish silently from the customer's page.
            render_template(body, get_policy(), strict=True)
        except ArticleTemplateError as exc:
            raise forms.ValidationError(str(exc)) from None
        return body


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    extra = 0
    can_delete = False
    fields = ("number", "origin", "author", "note", "created_at", "view_link")
    readonly_fields = fields
    ordering = ("-number",)
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Revision")
    def view_link(self, revision: ArticleRevision) -> str:
        url = reverse("admin:helpcenter_articlerevision_change", args=[revision.pk])
        return format_html('<a href="{}">view / restore</a>', url)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "description")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    list_display = (
        "title",
        "category",
        "revision",
        "views",
        "helpful_yes",
        "helpful_no",
        "is_published",
        "updated_at",
    )
    list_filter = ("category", "is_published", "self_service")
    search_fields = ("title", "seed", "keywords", "body")
    list_select_related = ("category",)
    readonly_fields = (
        "revision",
        "views",
        "helpful_yes",
        "helpful_no",
        "synced_hash",
        "created_at",
        "updated_at",
    )
    filter_horizontal = ("related",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [RevisionInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "category", "seed", "keywords", "body")}),
        ("Display", {"fields": ("position", "self_service", "is_published", "related")}),
        (
            "Feedback and history",
            {
                "fields": (
                    "views",
                    "helpful_yes",
                    "helpful_no",
                    "revision",
                    "synced_hash",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Article, form: forms.ModelForm, change: bool) -> None:
        article_save(
            article=obj, origin=RevisionOrigin.ADMIN, author=request.user, note="edited in the admin"
        )


@admin.action(description="Restore the selected revision")
def restore_revision(
    modeladmin: admin.ModelAdmin[ArticleRevision], request: HttpRequest, queryset: QuerySet[ArticleRevision]
) -> None:
    if queryset.count() != 1:
        modeladmin.message_user(request, "Select exactly one revision to restore.", messages.WARNING)
        return
    revision = queryset.get()
    created = article_revision_restore(revision=revision, author=request.user)
    modeladmin.message_user(
        request, f"Restored revision {revision.number} as revision {created.number}.", messages.SUCCESS
    )


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ("article", "number", "origin", "author", "note", "created_at")
    list_filter = ("origin",)
    list_select_related = ("article", "author")
    search_fields = ("article__slug", "article__title", "title")
    actions = [restore_revision]
    readonly_fields = (
        "article",
        "number",
        "title",
        "seed",
        "keywords",
        "body",
        "category_slug",
        "origin",
        "author",
        "note",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # history is read-only; restoring writes a new revision instead
