"""Article source → safe HTML and plain text: policy variables, then Markdown, then an allow-list sanitiser.

The sanitiser runs last and on everything, so whatever an admin pastes (HTML, `javascript:` links,
event handlers) only ever reaches a page as the allowed tags below. Results are cached per policy
fingerprint and article revision, so a policy change re-renders every article on its next read.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import nh3
from django.core.cache import cache
from markdown_it import MarkdownIt
from markdown_it.token import Token

from shopdesk.helpcenter.templating import policy_context, registry_fingerprint, render_template
from shopdesk.policy import Policy, get_policy

if TYPE_CHECKING:
    from shopdesk.helpcenter.models import Article

RENDERER_VERSION = 4  # bump when this module's output changes, to drop every cached article
CACHE_SECONDS = 24 * 3600

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
    "kbd",
    "abbr",
    "del",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope", "colspan"},
    "td": {"colspan"},
    "abbr": {"title"},
    "ol": {"start"},
}
# Relative URLs (/orders/, /help/articles/…) are always allowed; absolute ones only with these schemes.
URL_SCHEMES = {"http", "https", "mailto"}

_SPACES = re.compile(r"[ \t\r\f\v]+")
_markdown = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")


def _demote_headings(tokens: list[Token]) -> None:
    # The page's <h1> is the article title, so a "# Heading" in the body becomes an <h2>.
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def markdown_to_safe_html(markdown: str) -> str:
    tokens = _markdown.parse(markdown)
    _demote_headings(tokens)
    raw = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def html_to_text(safe_html: str) -> str:
    """Plain text of sanitised HTML (for search, snippets and the API), one block per line."""
    spaced = safe_html.replace("</p>", "</p>\n").replace("</li>", "</li>\n").replace("</tr>", "</tr>\n")
    for tag in ("</h2>", "</h3>", "</h4>", "<br>"):
        spaced = spaced.replace(tag, tag + "\n")
    text = html.unescape(nh3.clean(spaced, tags=set()))
    # Collapse spaces but keep no-break spaces: "5,95\xa0€" must not wrap or lose its separator.
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True, slots=True)
class RenderedArticle:
    html: str
    text: str


def render_source(body: str, policy: Policy) -> RenderedArticle:
    safe_html = markdown_to_safe_html(render_template(body, policy))
    return RenderedArticle(html=safe_html, text=html_to_text(safe_html))


def render_article(article: Article, policy: Policy | None = None) -> RenderedArticle:
    """The article with the current policy, from the cache when this revision was rendered before."""
    policy = policy or get_policy()
    _, fingerprint = policy_context(policy)
    stamp = int(article.updated_at.timestamp() * 1000) if article.updated_at else 0
    actions = registry_fingerprint()
    key = f"helpcenter:article:{RENDERER_VERSION}:{fingerprint}:{actions}:{article.pk}:{article.revision}:{stamp}"
    cached = cache.get(key)
    if isinstance(cached, tuple) and len(cached) == 2:
        return RenderedArticle(html=cached[0], text=cached[1])
    rendered = render_source(article.body, policy)
    cache.set(key, (rendered.html, rendered.text), CACHE_SECONDS)
    return rendered
