"""The general answer to every intent: the help article's short answer, rendered from the store policy.

Each intent id of the contract names one article (`INTENT_ARTICLES`); the answer is the article's first
paragraph, or, when the customer named a country and the article has a part per zone or per country,
that part. A first paragraph that announces a list ("The usual reasons:") comes with the list: every item
that fits the short answer, and how many more the article gives. The text always comes from the article,
so the assistant can't say what the help center doesn't.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.db import connection

from shopdesk.assistant.conversations.replies import Reply
from shopdesk.helpcenter.content import load_content
from shopdesk.helpcenter.models import Article
from shopdesk.helpcenter.rendering import RENDERER_VERSION, render_article, render_source
from shopdesk.helpcenter.templating import country_in_sentence, policy_context, registry_fingerprint
from shopdesk.payments.methods import country_known, payment_methods_in
from shopdesk.policy import get_policy

INTENT_ARTICLES: dict[str, str] = {
    # orders
    "track_order": "where-is-my-order",
    "ordering_help": "ordering-guidance",
    "shipping_time": "when-will-my-order-ship",
    "change_order": "change-my-order",
    "delivery_email_missing": "shipping-email-missing",
    "cancel_order": "cancel-my-order",
    "change_billing_address": "change-billing-address",
    "confirmation_email_missing": "confirmation-email-missing",
    # shipping
    "shipping_info": "shipping-info",
    "shipping_destinations": "countries-we-ship-to",
    "package_not_received": "package-not-received",
    "package_returned": "package-returned-to-sender",
    "split_shipment": "order-in-several-packages",
    "tracking_not_updated": "tracking-not-updated",
    "not_at_address": "not-at-my-address",
    "shipping_fees": "shipping-fees",
    "customs_duties": "refusing-customs-duties",
    "tracking_invalid": "tracking-number-invalid",
    "shipping_address": "shipping-addresses",
    # returns and refunds
    "return_policy": "return-policy",
    "guarantees": "our-guarantees",
    "refund_timing": "when-will-i-get-my-refund",
    "return_item": "return-an-item",
    "refund_wrong": "refund-is-wrong",
    "non_returnable": "non-returnable-items",
    "partial_refund": "partial-refund",
    "return_received": "return-received",
    # payments, points and promotions
    "payment_methods": "payment-methods-by-country",
    "payment_declined": "payment-declined",
    "payment_verification": "payment-verification",
    "pay_with_points": "pay-with-points",
    "coupon_stacking": "combine-coupons",
    "points_refund_timing": "points-refund-timing",
    "price_adjustment": "price-adjustment",
    "promo_code_problem": "promo-code-not-working",
    # company
    "terms_of_use": "terms-of-use",
    "privacy_policy": "privacy-policy",
    "copyright": "copyright-notice",
    "contact_support": "contact-customer-care",
    "about_us": "about-us",
    "ships_from": "where-we-ship-from",
    "wholesale": "wholesale-discount",
    "new_arrivals": "new-arrivals",
}
SHORT_ANSWER_CHARS = 600


@dataclass(frozen=True, slots=True)
class ArticleText:
    slug: str
    title: str
    text: str  # the whole article, rendered with the policy, as plain text
    html: str  # the same, as the help center shows it (sanitised)
    short: str  # the short answer (`_short_answer`), made once with the text

    @property
    def url(self) -> str:
        return f"/help/articles/{self.slug}/"


# Article texts rendered in this process, per published revision of the article and per policy: a turn
# reads the article's small revision row, not its body, and renders nothing it rendered before.
_texts: dict[tuple[Any, ...], ArticleText] = {}
_texts_lock = threading.Lock()
TEXTS_KEPT = 256


def _published_revision(slug: str) -> tuple[Any, ...] | None:
    """(id, title, revision, updated_at) of the published article `slug`, or None: one indexed read."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote('id')}, {quote('title')}, {quote('revision')}, {quote('updated_at')} "  # noqa: S608
        f"FROM {quote(Article._meta.db_table)} WHERE {quote('slug')} = %s AND {quote('is_published')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, True])
        row = cursor.fetchone()
    return tuple(row) if row else None


def article_text(slug: str) -> ArticleText:
    """The published article (the store may have edited it); the packaged one when it isn't in the database.

    The text is rendered once per revision of the article (its id, revision and time of last change), the
    policy and the actions that exist."""
    revision = _published_revision(slug)
    _, policy_fingerprint = policy_context(get_policy())
    key = (slug, revision, policy_fingerprint, registry_fingerprint(), RENDERER_VERSION)
    with _texts_lock:
        found = _texts.get(key)
    if found is None:
        found = _article_text_rendered(slug, published=revision is not None)
        with _texts_lock:
            if len(_texts) >= TEXTS_KEPT:
                _texts.clear()
            _texts[key] = found
    return found


def _article_text_rendered(slug: str, *, published: bool) -> ArticleText:
    article = Article.objects.filter(slug=slug, is_published=True).first() if published else None
    if article is not None:
        title, rendered = article.title, render_article(article)
    else:
        source = next(a for a in load_content()[1] if a.slug == slug)
        title, rendered = source.title, render_source(source.body, get_policy())
    return ArticleText(slug, title, rendered.text, rendered.html, _short_answer(rendered.html))


_SPACES = re.compile(r"[ \t\r\n]+")  # not the no-break space: "5,95\xa0€" keeps its separator
_TEXT_BLOCKS = {"p", "h2", "h3", "h4", "li", "th", "td"}
_EMPHASIS = {"em", "i"}


@dataclass(slots=True)
class _Block:
    kind: str  # "p", "note" (a paragraph all in italics: "Last updated …"), "h2"…"h4", "list", "table"
    text: str = ""
    items: list[str] | None = None  # a list's items
    rows: list[list[str]] | None = None  # a table's rows, the header row first


class _Blocks(HTMLParser):
    """The article's blocks in order. A paragraph inside an item or a cell is part of it; a list inside an
    item is part of the item's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self._open: list[str] = []  # the text blocks open now, outermost first
        self._text: list[str] = []
        self._plain = False  # text outside italics in the paragraph read now
        self._emphasis = 0
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol") and not self._open:
            self.blocks.append(_Block("list", items=[]))
        elif tag == "table" and not self._open:
            self.blocks.append(_Block("table", rows=[]))
        elif tag == "tr":
            self._row = []
        elif tag in _EMPHASIS:
            self._emphasis += 1
        elif tag in _TEXT_BLOCKS:
            if not self._open:
                self._text, self._plain = [], False
            self._open.append(tag)
        elif tag == "br" and self._open:
            self._text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _EMPHASIS:
            self._emphasis = max(0, self._emphasis - 1)
        elif tag == "tr" and self._row is not None:
            if self.blocks and self.blocks[-1].rows is not None:
                self.blocks[-1].rows.append(self._row)
            self._row = None
        if tag not in _TEXT_BLOCKS or not self._open or self._open[-1] != tag:
            return
        self._open.pop()
        if self._open:  # a paragraph inside an item or a cell
            self._text.append(" ")
            return
        text = _SPACES.sub(" ", "".join(self._text)).strip()
        last = self.blocks[-1] if self.blocks else None
        if tag in ("th", "td"):
            if self._row is not None:
                self._row.append(text)
        elif tag == "li":
            if last is not None and last.items is not None and text:
                last.items.append(text)
        elif text:
            self.blocks.append(_Block(tag if tag != "p" else "p" if self._plain else "note", text))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)
            if data.strip() and not self._emphasis:
                self._plain = True


def _blocks(html: str) -> list[_Block]:
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


def _table_lines(rows: list[list[str]]) -> list[str]:
    """A table's rows as lines ("Apple Pay: the United States, …"), the header row left out."""
    body = rows[1:] if len(rows) > 1 else rows
    return [": ".join(cell for cell in row if cell) for row in body if any(row)]


def _is_heading(block: _Block) -> bool:
    return block.kind in ("h2", "h3", "h4")


class _Short:
    """A short answer being written: lines while they fit in SHORT_ANSWER_CHARS."""

    def __init__(self, first: list[str]) -> None:
        self.lines = list(first)
        self.size = sum(len(line) + 1 for line in first)

    def fits(self, more: list[str]) -> bool:
        return self.size + sum(len(line) + 1 for line in more) <= SHORT_ANSWER_CHARS

    def add(self, more: list[str]) -> bool:
        if not self.fits(more):
            return False
        self.lines.extend(more)
        self.size += sum(len(line) + 1 for line in more)
        return True

    def items(self, items: list[str]) -> bool:
        """The items that fit, as bullets, then how many more the article has; True when all fit."""
        bullets = [f"• {item}" for item in items]
        given = 0
        while given < len(bullets) and self.add(bullets[given : given + 1]):
            given += 1
        if given < len(bullets):
            more = len(bullets) - given
            self.lines.append(f"(and {more} more in the article)" if given else "(listed in the article)")
        return given == len(bullets)


def _short_answer(html: str) -> str:
    """The article's first paragraph (after its first heading, when it starts with one, and without a
    note in italics such as "Last updated …"). When that paragraph announces a list (it ends with a
    colon), the list comes with it, as much of it as fits in SHORT_ANSWER_CHARS:

    - a list, item by item, then how many more items the article has;
    - items written as small headings with a paragraph each ("Final-sale items" / why), the same way;
    - a table, or a heading with its list or table, whole or not at all (part of a table of countries
      would read as the whole of it)."""
    blocks = [block for block in _blocks(html) if block.kind != "note"]
    at = 0
    heading: list[str] = []
    if at < len(blocks) and _is_heading(blocks[at]) and at + 1 < len(blocks) and blocks[at + 1].kind == "p":
        heading = [blocks[at].text]
        at += 1
    if at >= len(blocks) or blocks[at].kind not in ("p", "h2", "h3", "h4"):
        return "\n".join(heading)
    short = _Short([*heading, blocks[at].text])
    announces = blocks[at].text.endswith(":")
    at += 1
    while announces and at < len(blocks) and short.size <= SHORT_ANSWER_CHARS:
        block = blocks[at]
        if block.items is not None:
            if not short.items(block.items):
                break
            announces = block.items[-1].endswith(":") if block.items else False  # "… From the day:" a table
            at += 1
        elif block.rows is not None:
            if not short.add(_table_lines(block.rows)):
                short.lines.append("(listed in the article)")
            break
        elif _is_heading(block) and at + 1 < len(blocks) and blocks[at + 1].kind == "p":
            # Items written as a heading and a paragraph each, up to a heading of another level.
            items = []
            while at + 1 < len(blocks) and blocks[at].kind == block.kind and blocks[at + 1].kind == "p":
                items.append(f"{blocks[at].text}: {blocks[at + 1].text}")
                at += 2
            if not short.items(items):
                break
            announces = False
        elif _is_heading(block) and at + 1 < len(blocks) and blocks[at + 1].kind in ("list", "table"):
            content = blocks[at + 1]
            if content.items is not None:
                sentences = any(item.rstrip().endswith(".") for item in content.items)
                part = (
                    [f"{block.text}:", *(f"• {item}" for item in content.items)]
                    if sentences
                    else [f"{block.text}: {', '.join(content.items)}"]
                )
            else:
                part = [f"{block.text}:", *_table_lines(content.rows or [])]
            if not short.add(part):
                short.lines.append("(more in the article)")
                break
            at += 2
        else:
            break  # a paragraph: what the first one announced is over
    return "\n".join(short.lines)


def _country_part(text: str, country: str) -> str | None:
    """The lines of the article about `country` (an ISO code): its zone's section, or the lines naming it."""
    import pycountry

    policy = get_policy()
    zone = policy.zone_for_country(country)
    found = pycountry.countries.get(alpha_2=country.upper())
    names = {name for name in (getattr(found, "name", ""), getattr(found, "common_name", "")) if name}
    lines = text.splitlines()
    zone_names = {z.name for z in policy.shipping.zones}
    if zone is not None and zone.name in lines:
        # The zone has a section of its own: its heading line up to the next zone's heading.
        start = lines.index(zone.name)
        end = next((i for i in range(start + 1, len(lines)) if lines[i] in zone_names), len(lines))
        return "\n".join(lines[start:end])
    wanted = [line for line in lines if any(name in line for name in names)]
    if zone is not None:
        wanted += [line for line in lines if line.startswith(zone.name + ":") and line not in wanted]
    return "\n".join(wanted) or None


def _payment_methods_part(country: str) -> str | None:
    """The methods a shopper in `country` can pay with, from the policy, with their order limits."""
    if not country_known(country):
        return None
    found = payment_methods_in(country=country)
    if not found.methods:
        return None
    lines = [f"With a billing address in {country_in_sentence(found.country.code)}, you can pay with:"]
    for method in found.methods:
        limit = method.limits.sentence.rstrip(".")
        lines.append(f"• {method.name}" + (f": {limit[:1].lower()}{limit[1:]}" if limit else ""))
    return "\n".join(lines)


def general_answer(intent: str, *, country: str | None = None) -> Reply | None:
    """The article reply for an intent (None for the conversation intents, which have no article)."""
    slug = INTENT_ARTICLES.get(intent)
    if slug is None:
        return None
    article = article_text(slug)
    part = None
    if country and intent == "payment_methods":
        part = _payment_methods_part(country)  # the article's table can't be cut by country
    elif country:
        part = _country_part(article.text, country)
    text = part or article.short
    return Reply(
        "article",
        text,
        {
            "slug": article.slug,
            "title": article.title,
            "url": article.url,
            "country": country if part else None,
        },
    )
