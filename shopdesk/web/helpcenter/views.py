"""Help-center pages: home, category, article (with "Was this helpful?"), search results.

Thin on purpose: each view calls one selector or service and renders. Pages work without JavaScript.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from shopdesk.core.errors import NotFound
from shopdesk.helpcenter import selectors
from shopdesk.helpcenter.rendering import render_article
from shopdesk.helpcenter.search import search_articles
from shopdesk.helpcenter.services import article_view_record, article_vote, unanswered_search_record

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
VOTED_SESSION_KEY = "helpcenter_voted"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/helpcenter/home.html",
        {"categories": selectors.categories_with_articles(), "popular": selectors.popular_articles()},
    )


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = selectors.category_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from None
    return render(request, "web/helpcenter/category.html", {"category": found})


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = selectors.article_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from None
    article_view_record(article=found)
    voted = request.session.get(VOTED_SESSION_KEY, {}).get(str(found.pk))
    context = {"article": found, "rendered": render_article(found), "voted": voted}
    return render(request, "web/helpcenter/article.html", context)


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = selectors.article_get(slug=slug)
    except NotFound as exc:
        raise Http404(exc.message) from None
    answer = request.POST.get("helpful")
    if answer in ("yes", "no"):
        if not request.session.session_key:
            request.session.save()  # a key to tie the vote to, even on a first visit
        article_vote(article=found, session_key=request.session.session_key or "", helpful=answer == "yes")
        voted = dict(request.session.get(VOTED_SESSION_KEY, {}))
        voted.setdefault(str(found.pk), answer)
        request.session[VOTED_SESSION_KEY] = voted
    # Post/redirect/get: reloading the page never re-sends the vote.
    return HttpResponseRedirect(f"{found.get_absolute_url()}#feedback")


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    context: dict[str, object] = {"query": query}
    if query:
        _, total = search_articles(query, limit=0)
        page = Paginator(range(total), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        results, _ = search_articles(
            query, limit=RESULTS_PER_PAGE, offset=page.start_index() - 1 if total else 0
        )
        context.update({"page": page, "results": results, "total": total})
        if not total and not request.GET.get("page"):
            unanswered_search_record(query=query)
    if not query or not context.get("total"):
        context["popular"] = selectors.popular_articles()
    return render(request, "web/helpcenter/search.html", context)
